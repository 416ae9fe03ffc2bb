/**
 * The Slack adapter, on @slack/bolt. Events arrive over Socket Mode (app-level
 * token) or the Events API (signed HTTP on a route of the gateway's HTTP
 * ingress, or of an ingress of its own when embedded without one); each person's
 * message becomes an `InboundMessage` and is acknowledged to Slack only after
 * `ctx.ingest()` resolved. Replies go out with `chat.postMessage` (split under
 * Slack's 40,000-character limit, in the thread they answer), stream by
 * editing one message with `chat.update`, and carry files through Slack's
 * external upload flow.
 */
import { App, type Logger, type Receiver, webApi } from '@slack/bolt';
import { AdapterError, GatewayError } from '../../errors.ts';
import { type HttpIngress, type OpenedRoute, openWebhookRoute } from '../../http/ingress.ts';
import type { WebhookRoute } from '../../http/webhook-route.ts';
import type {
  Adapter,
  AdapterContext,
  Attachment,
  ChatRef,
  MessageRef,
  OutboundMessage,
  SendResult,
} from '../contract.ts';
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
import { slackTextParts, unescapeMrkdwn } from './mrkdwn-text.ts';
import { SLACK_CAPABILITIES } from './slack-capabilities.ts';
import { SLACK_PLATFORM, slackErrorCode, toAdapterError } from './slack-errors.ts';
import {
  type ResolvedSlackOptions,
  resolveSlackOptions,
  SLACK_EVENTS_PATH,
  type SlackOptions,
} from './slack-options.ts';
import { AckAfterProcessingReceiver } from './socket-mode-receiver.ts';
import { ThreadMembership } from './thread-membership.ts';
import { UserNames } from './user-names.ts';

/** Everything that lives from `start` to `stop`. */
interface Running {
  /** In Events API mode, the context the route guards (its ingest failures become 503). */
  ctx: AdapterContext;
  app: App;
  client: webApi.WebClient;
  self: BotIdentity;
  names: UserNames;
  threads: ThreadMembership;
  dedupe: DeliveryDedupe;
  receiver: Receiver;
  eventsApi: OpenedRoute | undefined;
  onAbort: () => void;
  stopped: Promise<void> | undefined;
}

function optionError(name: string, message: string): GatewayError {
  return new GatewayError('GATEWAY_ERR_OPTION', `slack.${name}: ${message}`, { option: name });
}

/**
 * The Slack adapter.
 *
 * @example
 * const slack = new SlackAdapter({ botToken: process.env.SLACK_BOT_TOKEN!, appToken: process.env.SLACK_APP_TOKEN });
 * const gateway = createGateway({ adapters: [slack], ... });
 */
export class SlackAdapter implements Adapter {
  readonly name = SLACK_PLATFORM;
  readonly capabilities = SLACK_CAPABILITIES;
  readonly #options: ResolvedSlackOptions;
  readonly #failureListeners = new Set<(error: Error) => void>();
  /** Fewest milliseconds between two edits of one streamed message. */
  readonly editIntervalMs: number;
  readonly #http: HttpIngress | undefined;
  /** The Events API route on the gateway's shared ingress. */
  readonly #sharedRoute: WebhookRoute | undefined;
  #running: Running | undefined;

  constructor(options: SlackOptions) {
    const resolved = resolveSlackOptions(options);
    if (resolved.botToken === '') throw optionError('botToken', 'SLACK_BOT_TOKEN is required');
    if (!resolved.appToken && !resolved.signingSecret) {
      throw optionError('appToken', 'set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (Events API)');
    }
    if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535) {
      throw optionError('port', `expected an integer from 0 to 65535, got ${resolved.port}`);
    }
    this.#options = resolved;
    this.editIntervalMs = resolved.editIntervalMs;
    this.#http = options.http;
    this.#sharedRoute =
      resolved.mode === 'events-api' && options.http
        ? options.http.route(eventsApiRoute(() => this.#eventsReceiver()))
        : undefined;
  }

  /** Socket Mode or the Events API, as the options chose. */
  get mode(): ResolvedSlackOptions['mode'] {
    return this.#options.mode;
  }

  /** Where the Events API route listens (the real port when started with port 0). Events API mode only. */
  address(): { host: string; port: number } {
    const address = this.#running?.eventsApi?.address();
    if (!address) throw new GatewayError('GATEWAY_ERR_STATE', 'slack: the Events API route is not listening');
    return address;
  }

  /** The receiver of the running adapter in Events API mode. */
  #eventsReceiver(): EventsApiReceiver | undefined {
    const receiver = this.#running?.receiver;
    return receiver instanceof EventsApiReceiver ? receiver : undefined;
  }

  async start(ctx: AdapterContext): Promise<void> {
    if (this.#running) throw new GatewayError('GATEWAY_ERR_STATE', 'slack: already running; stop it first');
    const options = this.#options;
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
    const running: Running = {
      ctx,
      app,
      client: app.client,
      self,
      names: new UserNames(app.client),
      threads: new ThreadMembership(app.client, self),
      dedupe: new DeliveryDedupe(),
      receiver,
      eventsApi: undefined,
      onAbort: () => {
        this.#stopRunning(running).catch((error: unknown) =>
          ctx.log.error({ err: error }, 'slack: did not stop cleanly'),
        );
      },
      stopped: undefined,
    };
    this.#listen(running);
    this.#running = running;
    try {
      if (receiver instanceof AckAfterProcessingReceiver) {
        await receiver.start();
      } else {
        running.eventsApi = await openWebhookRoute({
          shared: this.#sharedRoute,
          ingress: this.#http,
          spec: () => eventsApiRoute(() => this.#eventsReceiver()),
          standalone: { name: SLACK_PLATFORM, host: options.host, port: options.port },
          ctx,
        });
        running.ctx = running.eventsApi.ctx;
      }
    } catch (error) {
      this.#running = undefined;
      await Promise.resolve(receiver.stop()).catch(() => {});
      throw this.#startError(error);
    }
    if (ctx.signal.aborted) {
      await this.#stopRunning(running);
      throw new GatewayError('GATEWAY_ERR_STATE', 'slack: stopped while starting');
    }
    ctx.signal.addEventListener('abort', running.onAbort, { once: true });
    ctx.log.info(
      {
        mode: options.mode,
        botUserId: self.userId,
        team: auth.team,
        ...(running.eventsApi ? { ...running.eventsApi.address(), path: SLACK_EVENTS_PATH } : {}),
      },
      options.mode === 'socket' ? 'slack: connected over Socket Mode' : 'slack: Events API server listening',
    );
  }

  async stop(): Promise<void> {
    if (this.#running) await this.#stopRunning(this.#running);
  }

  onFailure(listener: (error: Error) => void): void {
    this.#failureListeners.add(listener);
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const running = this.#requireRunning();
    const chat: ChatRef = {
      chatId: message.chatId,
      chatType: message.chatType,
      ...(message.threadId ? { threadId: message.threadId } : {}),
    };
    const ids: string[] = [];
    for (const part of slackTextParts(message.text)) ids.push(await this.#post(chat, part));
    for (const [index, attachment] of (message.attachments ?? []).entries()) {
      await this.#upload(running, chat, attachment, index);
    }
    const last = ids.at(-1);
    return { ...(last ? { platformMessageId: last } : {}), platformMessageIds: ids };
  }

  /** The raw text of each part a reply is posted as (split so each stays under Slack's limit once escaped). */
  textParts(text: string): string[] {
    return slackTextParts(text).map(unescapeMrkdwn);
  }

  async edit(ref: MessageRef, text: string): Promise<void> {
    const { client } = this.#requireRunning();
    const { channel, ts } = parseSlackMessageId(ref.messageId, ref.chatId);
    const [first = ' '] = slackTextParts(text);
    try {
      await client.chat.update({ channel, ts, text: first });
    } catch (error) {
      throw toAdapterError(error, 'chat.update');
    }
  }

  async delete(ref: MessageRef): Promise<void> {
    const { client } = this.#requireRunning();
    const { channel, ts } = parseSlackMessageId(ref.messageId, ref.chatId);
    try {
      await client.chat.delete({ channel, ts });
    } catch (error) {
      if (slackErrorCode(error) === 'message_not_found') return;
      throw toAdapterError(error, 'chat.delete');
    }
  }

  async react(ref: MessageRef, emoji: string): Promise<void> {
    const { client } = this.#requireRunning();
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
      if (slackErrorCode(error) === 'already_reacted') return;
      throw toAdapterError(error, 'reactions.add');
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
    return downloadSlackFile(attachment.url, this.#options.botToken, this.#options.slackApiUrl);
  }

  // ---- start and stop ----

  async #authTest(clientOptions: webApi.WebClientOptions, logger: Logger): Promise<webApi.AuthTestResponse> {
    const client = new webApi.WebClient(this.#options.botToken, { ...clientOptions, logger });
    try {
      const auth = await client.auth.test();
      if (!auth.user_id) throw new Error('auth.test returned no user_id');
      return auth;
    } catch (error) {
      throw toAdapterError(error, 'auth.test');
    }
  }

  #makeReceiver(ctx: AdapterContext, logger: Logger): Receiver {
    const options = this.#options;
    if (options.mode === 'socket') {
      return new AckAfterProcessingReceiver({
        appToken: options.appToken as string,
        slackApiUrl: options.slackApiUrl,
        logger,
        reconnectDelayMs: options.reconnectDelayMs,
        connectTimeoutMs: options.connectTimeoutMs,
        hooks: {
          onDrop: (error) => {
            ctx.log.warn({ err: error, reason: error.details.reason }, 'slack: Socket Mode link problem');
            ctx.reportError?.(error);
          },
          onRestored: () => ctx.reportHealthy?.(),
          onFatal: (error) => {
            ctx.log.error(
              { err: error, reason: error.details.reason },
              'slack: Socket Mode link failed for good',
            );
            ctx.reportError?.(error);
            for (const listener of this.#failureListeners) listener(error);
          },
        },
      });
    }
    return new EventsApiReceiver({ signingSecret: options.signingSecret as string, logger });
  }

  #startError(error: unknown): AdapterError {
    if (error instanceof GatewayError && error.code === 'GATEWAY_ERR_HTTP_LISTEN') {
      const reason = typeof error.details.reason === 'string' ? error.details.reason : 'listen_failed';
      return new AdapterError(SLACK_PLATFORM, error.message, {
        retryable: error.details.retryable === true,
        reason,
        cause: error,
      });
    }
    return toAdapterError(error, 'start');
  }

  async #stopRunning(running: Running): Promise<void> {
    if (running.stopped === undefined) {
      running.ctx.signal.removeEventListener('abort', running.onAbort);
      running.stopped = Promise.resolve(running.receiver.stop())
        .then(() => running.eventsApi?.close())
        .then(() => undefined)
        .catch((error: unknown) =>
          running.ctx.log.warn({ err: error }, 'slack: receiver did not stop cleanly'),
        )
        .finally(() => {
          if (this.#running === running) this.#running = undefined;
        });
    }
    await running.stopped;
  }

  #requireRunning(): Running {
    if (!this.#running) {
      throw new AdapterError(SLACK_PLATFORM, 'not connected', { retryable: true, reason: 'not_started' });
    }
    return this.#running;
  }

  // ---- inbound ----

  #listen(running: Running): void {
    const { app } = running;
    app.event('message', async ({ event, body }) => {
      await this.#onMessage(running, event as unknown as SlackMessageLike, false, body);
    });
    app.event('app_mention', async ({ event, body }) => {
      await this.#onMessage(running, event as unknown as SlackMessageLike, true, body);
    });
    app.error(async (error) => {
      // rethrown so the receiver leaves the event unacknowledged and Slack delivers it again
      throw error;
    });
  }

  async #onMessage(
    running: Running,
    event: SlackMessageLike,
    mentioned: boolean,
    body: object,
  ): Promise<void> {
    const skip = (reason: string) => {
      if (running.receiver instanceof EventsApiReceiver) running.receiver.skip(body, reason);
    };
    if (!isFromPerson(event, running.self)) return skip('not_from_a_person');
    if (!(await this.#shouldAnswer(running, event, mentioned))) return skip('not_addressed');
    const id = slackMessageId(event.channel, event.ts);
    await running.dedupe.once(id, async () => {
      const userName = event.user ? await running.names.nameOf(event.user) : undefined;
      const message = toInboundMessage(event, running.self, userName);
      try {
        const result = await running.ctx.ingest(message);
        running.ctx.log.debug(
          { platformMessageId: id, duplicate: result.duplicate, refused: result.refused },
          'slack: message accepted',
        );
      } catch (error) {
        running.ctx.log.warn({ err: error, platformMessageId: id }, 'slack: ingest failed; Slack will retry');
        throw error;
      }
    });
  }

  /** DMs always; in channels a mention, a thread the bot is in, or everything when mentions are not required. */
  async #shouldAnswer(running: Running, event: SlackMessageLike, mentioned: boolean): Promise<boolean> {
    if (isDirectMessage(event)) return true;
    if (mentioned || mentionsBot(event.text ?? '', running.self.userId)) return true;
    if (!this.#options.requireMention) return true;
    const thread = threadOf(event);
    return thread !== undefined && (await running.threads.isMember(event.channel, thread));
  }

  // ---- outbound ----

  async #post(chat: ChatRef, text: string): Promise<string> {
    const running = this.#requireRunning();
    let result: webApi.ChatPostMessageResponse;
    try {
      result = await running.client.chat.postMessage({
        channel: chat.chatId,
        text,
        ...(chat.threadId ? { thread_ts: chat.threadId } : {}),
      });
    } catch (error) {
      throw toAdapterError(error, 'chat.postMessage');
    }
    if (chat.threadId) running.threads.joined(chat.chatId, chat.threadId);
    return slackMessageId(result.channel ?? chat.chatId, result.ts as string);
  }

  async #upload(running: Running, chat: ChatRef, attachment: Attachment, index: number): Promise<void> {
    const data = await outboundBytes(attachment);
    const filename = outboundFileName(attachment, index);
    try {
      await running.client.filesUploadV2({
        channel_id: chat.chatId,
        ...(chat.threadId ? { thread_ts: chat.threadId } : {}),
        file_uploads: [{ file: data, filename, title: filename }],
      });
    } catch (error) {
      throw toAdapterError(error, 'files.uploadV2');
    }
    if (chat.threadId) running.threads.joined(chat.chatId, chat.threadId);
  }
}
