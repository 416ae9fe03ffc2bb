/**
 * The Slack adapter, on @slack/bolt: Slack's wire for the adapter kit. Events arrive over Socket Mode (app-level
 * token) or the Events API (signed HTTP on a route of the gateway's HTTP
 * ingress, or of an ingress of its own when embedded without one); each person's
 * message becomes an `InboundMessage` and is acknowledged to Slack only after
 * `ctx.ingest()` resolved. Texts go out with `chat.postMessage` (the kit splits
 * them so each stays under Slack's 40,000-character limit once escaped; in the
 * thread they answer), edits with `chat.update`, and files through Slack's
 * external upload flow. Typing is absent: Slack has no typing indicator for
 * bots of Events API apps, so the adapter has none rather than fake one.
 */
import { App, type Logger, type Receiver, webApi } from '@slack/bolt';
import { AdapterError, GatewayError } from '../../errors.ts';
import { type OpenedRoute, openWebhookRoute } from '../../http/ingress.ts';
import type { WebhookRoute } from '../../http/webhook-route.ts';
import type { AdapterContext, Attachment, ChatRef, MessageRef } from '../contract.ts';
import { type Failure, KitAdapter, type PlatformWire, shouldAnswer, type WireContext } from '../kit/index.ts';
import { downloadSlackFile, outboundBytes, outboundFileName } from './attachment-bytes.ts';
import { createBoltLogger } from './bolt-logger.ts';
import { DeliveryDedupe } from './delivery-dedupe.ts';
import { slackReactionName } from './emoji-names.ts';
import { EventsApiReceiver, eventsApiRoute } from './events-api-receiver.ts';
import {
  type BotIdentity,
  isDirectMessage,
  isFromPerson,
  type SlackMessageLike,
  threadOf,
  toInboundMessage,
} from './inbound-event.ts';
import { mentionsBot } from './mention.ts';
import { parseSlackMessageId, slackMessageId } from './message-id.ts';
import { escapeMrkdwn, SLACK_TEXT_LIMIT, slackTextParts, unescapeMrkdwn } from './mrkdwn-text.ts';
import { classifySlackError, SLACK_PLATFORM, slackErrorCode } from './slack-errors.ts';
import {
  type ResolvedSlackOptions,
  resolveSlackOptions,
  SLACK_EVENTS_PATH,
  type SlackOptions,
} from './slack-options.ts';
import { AckAfterProcessingReceiver } from './socket-mode-receiver.ts';
import { ThreadMembership } from './thread-membership.ts';
import { UserNames } from './user-names.ts';

/** Everything that lives from `connect` to `disconnect`. */
interface Link {
  ctx: WireContext;
  /** The context ingest goes through (in Events API mode the route's guarded one: its failures become 503). */
  ingest: AdapterContext;
  client: webApi.WebClient;
  self: BotIdentity;
  names: UserNames;
  threads: ThreadMembership;
  dedupe: DeliveryDedupe;
  receiver: Receiver;
  eventsApi: OpenedRoute | undefined;
}

function optionError(name: string, message: string): GatewayError {
  return new GatewayError('GATEWAY_ERR_OPTION', `slack.${name}: ${message}`, { option: name });
}

/** Slack's wire: bolt's receivers underneath, the kit's primitives on top. */
export class SlackWire implements PlatformWire {
  readonly name = SLACK_PLATFORM;
  readonly title = 'Slack';
  readonly limits = { maxMessageLength: SLACK_TEXT_LIMIT };
  readonly declares = { voice: true, images: true, threads: true };
  readonly editIntervalMs: number;
  readonly options: ResolvedSlackOptions;
  readonly #http: SlackOptions['http'];
  /** The Events API route on the gateway's shared ingress. */
  readonly #sharedRoute: WebhookRoute | undefined;
  link: Link | undefined;

  constructor(options: SlackOptions) {
    const resolved = resolveSlackOptions(options);
    if (resolved.botToken === '') throw optionError('botToken', 'SLACK_BOT_TOKEN is required');
    if (!resolved.appToken && !resolved.signingSecret) {
      throw optionError('appToken', 'set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (Events API)');
    }
    if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535) {
      throw optionError('port', `expected an integer from 0 to 65535, got ${resolved.port}`);
    }
    this.options = resolved;
    this.editIntervalMs = resolved.editIntervalMs;
    this.#http = options.http;
    this.#sharedRoute =
      resolved.mode === 'events-api' && options.http
        ? options.http.route(eventsApiRoute(() => this.#eventsReceiver()))
        : undefined;
  }

  classify(error: unknown): Failure {
    return classifySlackError(error);
  }

  /** The raw text of each part a reply is posted as (split so each stays under Slack's limit once escaped). */
  textParts(text: string): string[] {
    return slackTextParts(text).map(unescapeMrkdwn);
  }

  async connect(ctx: WireContext): Promise<void> {
    const options = this.options;
    const logger = createBoltLogger(ctx.log);
    const clientOptions: webApi.WebClientOptions = {
      slackApiUrl: options.slackApiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: 30_000,
    };
    const auth = await this.#authTest(clientOptions, logger);
    const self: BotIdentity = { userId: auth.user_id as string, botId: auth.bot_id };
    const receiver = this.#makeReceiver(ctx, logger);
    const app = new App({
      token: options.botToken,
      botId: self.botId ?? '',
      botUserId: self.userId,
      tokenVerificationEnabled: false,
      receiver,
      clientOptions,
      logger,
      convoStore: false,
    });
    const link: Link = {
      ctx,
      ingest: ctx,
      client: app.client,
      self,
      names: new UserNames(app.client),
      threads: new ThreadMembership(app.client, self),
      dedupe: new DeliveryDedupe(),
      receiver,
      eventsApi: undefined,
    };
    this.#listen(app, link);
    this.link = link;
    try {
      if (receiver instanceof AckAfterProcessingReceiver) await receiver.start();
      else {
        link.eventsApi = await openWebhookRoute({
          shared: this.#sharedRoute,
          ingress: this.#http,
          spec: () => eventsApiRoute(() => this.#eventsReceiver()),
          standalone: { name: SLACK_PLATFORM, host: options.host, port: options.port },
          ctx,
        });
        link.ingest = link.eventsApi.ctx;
      }
    } catch (error) {
      if (this.link === link) this.link = undefined;
      await Promise.resolve(receiver.stop()).catch(() => {});
      throw error;
    }
    ctx.log.info(
      {
        mode: options.mode,
        botUserId: self.userId,
        team: auth.team,
        ...(link.eventsApi ? { ...link.eventsApi.address(), path: SLACK_EVENTS_PATH } : {}),
      },
      options.mode === 'socket' ? 'slack: connected over Socket Mode' : 'slack: Events API server listening',
    );
  }

  async disconnect(): Promise<void> {
    const link = this.link;
    this.link = undefined;
    if (!link) return;
    await Promise.resolve(link.receiver.stop())
      .then(() => link.eventsApi?.close())
      .catch((error: unknown) => link.ctx.log.warn({ err: error }, 'slack: receiver did not stop cleanly'));
  }

  async sendText(chat: ChatRef, text: string): Promise<string> {
    const link = this.#requireLink();
    const result = await link.client.chat.postMessage({
      channel: chat.chatId,
      text: escapeMrkdwn(text),
      ...(chat.threadId ? { thread_ts: chat.threadId } : {}),
    });
    if (chat.threadId) link.threads.joined(chat.chatId, chat.threadId);
    return slackMessageId(result.channel ?? chat.chatId, result.ts as string);
  }

  async sendFile(chat: ChatRef, file: Attachment): Promise<undefined> {
    const link = this.#requireLink();
    const data = await outboundBytes(file);
    const filename = outboundFileName(file, 0);
    await link.client.filesUploadV2({
      channel_id: chat.chatId,
      ...(chat.threadId ? { thread_ts: chat.threadId } : {}),
      file_uploads: [{ file: data, filename, title: filename }],
    });
    if (chat.threadId) link.threads.joined(chat.chatId, chat.threadId);
    return undefined;
  }

  async edit(ref: MessageRef, text: string): Promise<void> {
    const { client } = this.#requireLink();
    const { channel, ts } = parseSlackMessageId(ref.messageId, ref.chatId);
    const [first = ' '] = slackTextParts(text);
    await client.chat.update({ channel, ts, text: first });
  }

  async delete(ref: MessageRef): Promise<void> {
    const { client } = this.#requireLink();
    const { channel, ts } = parseSlackMessageId(ref.messageId, ref.chatId);
    try {
      await client.chat.delete({ channel, ts });
    } catch (error) {
      if (slackErrorCode(error) !== 'message_not_found') throw error;
    }
  }

  async react(ref: MessageRef, emoji: string): Promise<void> {
    const { client } = this.#requireLink();
    const name = slackReactionName(emoji);
    if (!name) {
      throw new AdapterError(SLACK_PLATFORM, `no Slack name for the emoji ${emoji}`, {
        retryable: false,
        reason: 'invalid_name',
      });
    }
    const { channel, ts } = parseSlackMessageId(ref.messageId, ref.chatId);
    try {
      await client.reactions.add({ channel, timestamp: ts, name });
    } catch (error) {
      if (slackErrorCode(error) !== 'already_reacted') throw error;
    }
  }

  async fetchAttachment(attachment: Attachment): Promise<Uint8Array> {
    if (attachment.dataBase64 !== undefined) return Buffer.from(attachment.dataBase64, 'base64');
    if (!attachment.url) {
      throw new AdapterError(SLACK_PLATFORM, 'attachment has no url', {
        retryable: false,
        reason: 'bad_attachment',
      });
    }
    return downloadSlackFile(attachment.url, this.options.botToken, this.options.slackApiUrl);
  }

  /** The receiver of the running adapter in Events API mode. */
  #eventsReceiver(): EventsApiReceiver | undefined {
    const receiver = this.link?.receiver;
    return receiver instanceof EventsApiReceiver ? receiver : undefined;
  }

  async #authTest(clientOptions: webApi.WebClientOptions, logger: Logger): Promise<webApi.AuthTestResponse> {
    const client = new webApi.WebClient(this.options.botToken, { ...clientOptions, logger });
    const auth = await client.auth.test();
    if (!auth.user_id) throw new Error('auth.test returned no user_id');
    return auth;
  }

  #makeReceiver(ctx: WireContext, logger: Logger): Receiver {
    const options = this.options;
    if (options.mode === 'events-api') {
      return new EventsApiReceiver({ signingSecret: options.signingSecret as string, logger });
    }
    return new AckAfterProcessingReceiver({
      appToken: options.appToken as string,
      slackApiUrl: options.slackApiUrl,
      logger,
      reconnectDelayMs: options.reconnectDelayMs,
      connectTimeoutMs: options.connectTimeoutMs,
      hooks: {
        onDrop: (error) => {
          ctx.log.warn({ err: error, reason: error.details.reason }, 'slack: Socket Mode link problem');
          ctx.reportError(error);
        },
        onRestored: () => ctx.reportHealthy(),
        onFatal: (error) => {
          ctx.log.error(
            { err: error, reason: error.details.reason },
            'slack: Socket Mode link failed for good',
          );
          ctx.fail(error);
        },
      },
    });
  }

  #requireLink(): Link {
    if (!this.link)
      throw new AdapterError(SLACK_PLATFORM, 'not connected', { retryable: true, reason: 'not_connected' });
    return this.link;
  }

  // ---- inbound ----

  #listen(app: App, link: Link): void {
    app.event('message', async ({ event, body }) => {
      await this.#onMessage(link, event as unknown as SlackMessageLike, false, body);
    });
    app.event('app_mention', async ({ event, body }) => {
      await this.#onMessage(link, event as unknown as SlackMessageLike, true, body);
    });
    app.error(async (error) => {
      // rethrown so the receiver leaves the event unacknowledged and Slack delivers it again
      throw error;
    });
  }

  async #onMessage(link: Link, event: SlackMessageLike, mentioned: boolean, body: object): Promise<void> {
    const skip = (reason: string) => {
      if (link.receiver instanceof EventsApiReceiver) link.receiver.skip(body, reason);
    };
    if (!isFromPerson(event, link.self)) return skip('not_from_a_person');
    if (!(await this.#shouldAnswer(link, event, mentioned))) return skip('not_addressed');
    const id = slackMessageId(event.channel, event.ts);
    await link.dedupe.once(id, async () => {
      const userName = event.user ? await link.names.nameOf(event.user) : undefined;
      const message = toInboundMessage(event, link.self, userName);
      try {
        const result = await link.ingest.ingest(message);
        link.ctx.log.debug(
          { platformMessageId: id, duplicate: result.duplicate, refused: result.refused },
          'slack: message accepted',
        );
      } catch (error) {
        link.ctx.log.warn({ err: error, platformMessageId: id }, 'slack: ingest failed; Slack will retry');
        throw error;
      }
    });
  }

  /** DMs always; in channels a mention, a thread the bot is in, or everything when mentions are not required. */
  async #shouldAnswer(link: Link, event: SlackMessageLike, mentioned: boolean): Promise<boolean> {
    const facts = {
      chatType: isDirectMessage(event) ? ('dm' as const) : ('group' as const),
      mentioned: mentioned || mentionsBot(event.text ?? '', link.self.userId),
      requireMention: this.options.requireMention,
    };
    if (shouldAnswer(facts)) return true;
    // only then ask Slack whether the bot is in the thread
    const thread = threadOf(event);
    const inThread = thread !== undefined && (await link.threads.isMember(event.channel, thread));
    return shouldAnswer({ ...facts, repliesToBot: inThread });
  }
}

/**
 * The Slack adapter.
 *
 * @example
 * const slack = new SlackAdapter({ botToken: process.env.SLACK_BOT_TOKEN!, appToken: process.env.SLACK_APP_TOKEN });
 * const gateway = createGateway({ adapters: [slack], ... });
 */
export class SlackAdapter extends KitAdapter<SlackWire> {
  // the primitives Slack's wire has, so callers need no optional call
  declare readonly edit: (ref: MessageRef, text: string) => Promise<void>;
  declare readonly delete: (ref: MessageRef) => Promise<void>;
  declare readonly react: (ref: MessageRef, emoji: string) => Promise<void>;
  declare readonly fetchAttachment: (attachment: Attachment) => Promise<Uint8Array>;

  constructor(options: SlackOptions) {
    super(new SlackWire(options));
  }

  /** Socket Mode or the Events API, as the options chose. */
  get mode(): ResolvedSlackOptions['mode'] {
    return this.wire.options.mode;
  }

  /** Where the Events API route listens (the real port when started with port 0). Events API mode only. */
  address(): { host: string; port: number } {
    const address = this.wire.link?.eventsApi?.address();
    if (!address) throw new GatewayError('GATEWAY_ERR_STATE', 'slack: the Events API route is not listening');
    return address;
  }
}
