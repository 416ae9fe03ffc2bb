/**
 * The Slack adapter, on @slack/bolt. Events arrive over Socket Mode (app-level
 * token) or the Events API (signed HTTP, verified by bolt); each person's
 * message becomes an `InboundMessage` and is acknowledged to Slack only after
 * `ctx.ingest()` resolved. Replies go out with `chat.postMessage` (split under
 * Slack's 40,000-character limit, in the thread they answer), stream by
 * editing one message with `chat.update`, and carry files through Slack's
 * external upload flow.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, type Logger, type Receiver, webApi } from '@slack/bolt';
import { AdapterError, GatewayError } from '../../errors.ts';
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
  ctx: AdapterContext;
  app: App;
  client: webApi.WebClient;
  self: BotIdentity;
  names: UserNames;
  threads: ThreadMembership;
  dedupe: DeliveryDedupe;
  receiver: Receiver;
  server: Server | undefined;
  onAbort: () => void;
  stopped: Promise<void> | undefined;
}

/** Longest wait for Slack's in-flight requests when the Events API server stops. */
const DRAIN_DEADLINE_MS = 5000;

/**
 * Lets a closing server finish the requests it is answering, then ends their
 * connections: keep-alive connections that were busy when `close()` was called
 * would otherwise hold it open until the client drops them.
 * Returns a function that stops the sweeping.
 */
function drainConnections(server: Server): () => void {
  const sweep = setInterval(() => server.closeIdleConnections(), 25);
  const deadline = setTimeout(() => server.closeAllConnections(), DRAIN_DEADLINE_MS);
  return () => {
    clearInterval(sweep);
    clearTimeout(deadline);
  };
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
  }

  /** Socket Mode or the Events API, as the options chose. */
  get mode(): ResolvedSlackOptions['mode'] {
    return this.#options.mode;
  }

  /** Where the Events API server listens (the real port when started with port 0). Events API mode only. */
  address(): { host: string; port: number } {
    const server = this.#running?.server;
    if (!server) throw new GatewayError('GATEWAY_ERR_STATE', 'slack: the Events API server is not listening');
    const { port } = server.address() as AddressInfo;
    return { host: this.#options.host, port };
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
      server: undefined,
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
        running.server = (await app.start({ port: options.port, host: options.host })) as Server;
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
        ...(running.server ? { port: this.address().port, path: SLACK_EVENTS_PATH } : {}),
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
    return new HTTPReceiver({
      signingSecret: options.signingSecret as string,
      endpoints: SLACK_EVENTS_PATH,
      processBeforeResponse: true,
      logger,
      port: options.port,
    });
  }

  #startError(error: unknown): AdapterError {
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      return new AdapterError(
        SLACK_PLATFORM,
        `cannot listen on ${this.#options.host}:${this.#options.port}: ${String(error)}`,
        { retryable: code === 'EADDRINUSE', reason: code, cause: error },
      );
    }
    return toAdapterError(error, 'start');
  }

  async #stopRunning(running: Running): Promise<void> {
    if (running.stopped === undefined) {
      running.ctx.signal.removeEventListener('abort', running.onAbort);
      const drain = running.server ? drainConnections(running.server) : undefined;
      running.stopped = Promise.resolve(running.receiver.stop())
        .then(() => undefined)
        .catch((error: unknown) =>
          running.ctx.log.warn({ err: error }, 'slack: receiver did not stop cleanly'),
        )
        .finally(() => {
          drain?.();
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
    app.event('message', async ({ event }) => {
      await this.#onMessage(running, event as unknown as SlackMessageLike, false);
    });
    app.event('app_mention', async ({ event }) => {
      await this.#onMessage(running, event as unknown as SlackMessageLike, true);
    });
    app.error(async (error) => {
      // rethrown so the receiver leaves the event unacknowledged and Slack delivers it again
      throw error;
    });
  }

  async #onMessage(running: Running, event: SlackMessageLike, mentioned: boolean): Promise<void> {
    if (!isFromPerson(event, running.self)) return;
    if (!(await this.#shouldAnswer(running, event, mentioned))) return;
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
