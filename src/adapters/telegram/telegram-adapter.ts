/**
 * The Telegram adapter, on grammY. It receives updates by long polling
 * (`deleteWebhook` first) or, with a webhook URL, on a route of the gateway's
 * HTTP ingress (or on an ingress of its own when embedded without one);
 * checks each update's shape and ignores what it cannot use; normalises
 * private chats, groups, supergroups and forum topics; streams answers by editing one message; sends and receives photos,
 * documents and voice notes; and publishes the gateway's commands in
 * Telegram's `/` menu. Every update is acknowledged (polling offset or 200)
 * only after `ctx.ingest` resolved.
 */
import { randomBytes } from 'node:crypto';
import { Bot } from 'grammy';
import type { Message } from 'grammy/types';
import { AdapterError, GatewayError } from '../../errors.ts';
import { NotCommittedError } from '../../http/errors.ts';
import { type HttpIngress, type OpenedRoute, openWebhookRoute } from '../../http/ingress.ts';
import {
  accepted,
  ignored,
  type RouteOutcome,
  skipped,
  type WebhookRoute,
} from '../../http/webhook-route.ts';
import type {
  Adapter,
  AdapterCapabilities,
  AdapterContext,
  Attachment,
  ChatRef,
  CommandInfo,
  MessageRef,
  OutboundMessage,
  SendResult,
} from '../contract.ts';
import { NO_CAPABILITIES } from '../contract.ts';
import { splitMessage } from '../shared/split-message.ts';
import { toBotCommands } from './command-menu.ts';
import { resolveAttachments } from './inbound-attachments.ts';
import { classifyMessage, platformMessageId, type SkipReason } from './inbound-message.ts';
import { LongPoller } from './long-polling.ts';
import { mediaMethod, toInputFile } from './outbound-files.ts';
import { isMessageGone, isNotModified, TELEGRAM_PLATFORM, toAdapterError } from './telegram-errors.ts';
import {
  TELEGRAM_DEFAULTS,
  TELEGRAM_MAX_CAPTION_LENGTH,
  TELEGRAM_MAX_MESSAGE_LENGTH,
  type TelegramOptions,
  WEBHOOK_SECRET_PATTERN,
} from './telegram-options.ts';
import { telegramWebhookRoute } from './telegram-webhook.ts';
import { parseUpdate, type UnusableUpdate } from './update-schema.ts';

/** What Telegram's adapter can do (FEATURES.md §1): everything but reactions. */
export const TELEGRAM_CAPABILITIES: AdapterCapabilities = {
  ...NO_CAPABILITIES,
  voice: true,
  images: true,
  files: true,
  threads: true,
  typing: true,
  streaming: true,
  edit: true,
  delete: true,
  maxMessageLength: TELEGRAM_MAX_MESSAGE_LENGTH,
};

/** The update kinds the adapter asks Telegram for. */
const ALLOWED_UPDATES = ['message', 'channel_post'] as const;

/** Everything that lives from `start` to `stop`. */
interface Running {
  /** In webhook mode, the context the route guards (its ingest failures become 503). */
  ctx: AdapterContext;
  bot: { id: number; username: string };
  poller?: LongPoller;
  webhook?: OpenedRoute;
  onAbort: () => void;
}

/** What became of one update. */
type UpdateResult = { kind: 'ingested' } | { kind: 'skipped'; reason: SkipReason } | UnusableUpdate;

type ApiOther = {
  message_thread_id?: number;
  reply_parameters?: { message_id: number; allow_sending_without_reply: boolean };
};

/**
 * The Telegram adapter.
 *
 * @example
 * const telegram = new TelegramAdapter({ token: process.env.TELEGRAM_BOT_TOKEN! });
 * const gateway = createGateway({ store, agent, adapters: [telegram] });
 * await gateway.start();
 */
export class TelegramAdapter implements Adapter {
  readonly name = TELEGRAM_PLATFORM;
  readonly capabilities = TELEGRAM_CAPABILITIES;
  readonly #options: TelegramOptions & { apiRoot: string };
  readonly #bot: Bot;
  /** Fewest milliseconds between two edits of one streamed message. */
  readonly editIntervalMs: number;
  readonly #failureListeners: ((error: Error) => void)[] = [];
  readonly #webhookSecret: string | undefined;
  /** The route on the gateway's shared ingress (webhook mode with `http`). */
  readonly #sharedRoute: WebhookRoute | undefined;
  readonly #http: HttpIngress | undefined;
  #running: Running | undefined;
  /** The stop in progress; a new start waits for it. */
  #stopping: Promise<void> | undefined;

  constructor(options: TelegramOptions) {
    if (!options.token?.trim()) {
      throw new GatewayError('GATEWAY_ERR_OPTION', 'telegram.token: the bot token is required', {
        option: 'token',
      });
    }
    const secret = options.webhook?.secret;
    if (secret !== undefined && !WEBHOOK_SECRET_PATTERN.test(secret)) {
      throw new GatewayError(
        'GATEWAY_ERR_OPTION',
        'telegram.webhook.secret: 1-256 characters of A-Z a-z 0-9 _ -',
        {
          option: 'webhook.secret',
        },
      );
    }
    this.#options = {
      ...options,
      apiRoot: (options.apiRoot ?? TELEGRAM_DEFAULTS.apiRoot).replace(/\/+$/, ''),
    };
    this.#webhookSecret = options.webhook ? (secret ?? randomBytes(32).toString('hex')) : undefined;
    this.#http = options.http;
    this.#sharedRoute =
      options.webhook && options.http ? options.http.route(this.#webhookRouteSpec()) : undefined;
    this.#bot = new Bot(options.token, { client: { apiRoot: this.#options.apiRoot } });
    this.editIntervalMs = options.editIntervalMs ?? TELEGRAM_DEFAULTS.editIntervalMs;
  }

  /** The bot's id and username (after `start`). */
  get identity(): { id: number; username: string } | undefined {
    return this.#running?.bot;
  }

  /** Where the webhook route listens (webhook mode, after `start`). */
  webhookAddress(): { host: string; port: number } | undefined {
    return this.#running?.webhook?.address();
  }

  /** The secret Telegram must send with webhook requests (webhook mode). */
  get webhookSecret(): string | undefined {
    return this.#webhookSecret;
  }

  onFailure(listener: (error: Error) => void): void {
    this.#failureListeners.push(listener);
  }

  async start(ctx: AdapterContext): Promise<void> {
    await this.#stopping;
    if (this.#running)
      throw new GatewayError('GATEWAY_ERR_STATE', 'The Telegram adapter is already running; stop it first');
    try {
      await this.#bot.init(grammySignal(ctx.signal));
    } catch (error) {
      throw toAdapterError(error, 'getMe');
    }
    const me = this.#bot.botInfo;
    const running: Running = {
      ctx,
      bot: { id: me.id, username: me.username },
      onAbort: () => {
        this.stop().catch((error) => ctx.log.warn({ err: String(error) }, 'telegram: stop failed'));
      },
    };
    if (this.#options.webhook) {
      // the route reads the running adapter as soon as it is attached
      this.#running = running;
      try {
        running.webhook = await this.#startWebhook(running);
      } catch (error) {
        this.#running = undefined;
        throw error;
      }
    } else {
      try {
        await this.#bot.api.deleteWebhook({ drop_pending_updates: false }, grammySignal(ctx.signal));
      } catch (error) {
        throw toAdapterError(error, 'deleteWebhook');
      }
      running.poller = this.#createPoller(running);
      running.poller.start();
    }
    this.#running = running;
    if (ctx.signal.aborted) {
      await this.stop();
      throw new GatewayError('GATEWAY_ERR_STATE', 'The Telegram adapter was stopped while it was starting');
    }
    ctx.signal.addEventListener('abort', running.onAbort, { once: true });
    ctx.log.info(
      { bot: me.username, mode: this.#options.webhook ? 'webhook' : 'polling' },
      'telegram: connected',
    );
  }

  async stop(): Promise<void> {
    const running = this.#running;
    if (running) {
      this.#running = undefined;
      this.#stopping = this.#shutDown(running).finally(() => {
        this.#stopping = undefined;
      });
    }
    await this.#stopping;
  }

  async #shutDown(running: Running): Promise<void> {
    running.ctx.signal.removeEventListener('abort', running.onAbort);
    if (running.poller) {
      await running.poller.stop();
      if (running.poller.unconfirmed) {
        // confirm the handled updates so a restart does not fetch them again
        await this.#bot.api
          .getUpdates(
            { offset: running.poller.offset, limit: 1, timeout: 0 },
            grammySignal(AbortSignal.timeout(2000)),
          )
          .catch(() => {});
      }
    }
    await running.webhook?.close();
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const chat: ChatRef = {
      chatId: message.chatId,
      chatType: message.chatType,
      ...(message.threadId ? { threadId: message.threadId } : {}),
    };
    const quote = message.inReplyTo.at(-1);
    const ids: string[] = [];
    let parts = message.text.trim() ? splitMessage(message.text, TELEGRAM_MAX_MESSAGE_LENGTH) : [];
    const attachments = message.attachments ?? [];
    let caption: string | undefined;
    const only = parts[0];
    if (
      attachments.length === 1 &&
      parts.length === 1 &&
      only &&
      only.length <= TELEGRAM_MAX_CAPTION_LENGTH
    ) {
      caption = only;
      parts = [];
    }
    for (const part of parts) {
      ids.push(await this.#sendText(chat, part, ids.length === 0 ? quote : undefined));
    }
    for (const [i, attachment] of attachments.entries()) {
      ids.push(
        await this.#sendFile(
          chat,
          attachment,
          i === 0 ? caption : undefined,
          ids.length === 0 ? quote : undefined,
        ),
      );
    }
    return ids.length > 0 ? { platformMessageId: ids.at(-1), platformMessageIds: ids } : {};
  }

  async edit(ref: MessageRef, text: string): Promise<void> {
    const shown =
      text.length > TELEGRAM_MAX_MESSAGE_LENGTH
        ? (splitMessage(text, TELEGRAM_MAX_MESSAGE_LENGTH)[0] ?? '')
        : text;
    try {
      await this.#bot.api.editMessageText(toChatId(ref.chatId), messageNumber(ref.messageId), shown);
    } catch (error) {
      if (isNotModified(error)) return;
      throw toAdapterError(error, 'editMessageText');
    }
  }

  async delete(ref: MessageRef): Promise<void> {
    try {
      await this.#bot.api.deleteMessage(toChatId(ref.chatId), messageNumber(ref.messageId));
    } catch (error) {
      if (isMessageGone(error)) return;
      throw toAdapterError(error, 'deleteMessage');
    }
  }

  async sendTyping(chat: ChatRef): Promise<void> {
    try {
      await this.#bot.api.sendChatAction(toChatId(chat.chatId), 'typing', threadOf(chat));
    } catch (error) {
      throw toAdapterError(error, 'sendChatAction');
    }
  }

  async fetchAttachment(attachment: Attachment): Promise<Uint8Array> {
    if (attachment.dataBase64 !== undefined) return Buffer.from(attachment.dataBase64, 'base64');
    if (!attachment.url) {
      throw new AdapterError(
        TELEGRAM_PLATFORM,
        'the attachment has no file path (Telegram serves bots files up to 20 MB)',
        {
          retryable: false,
          reason: 'file_unavailable',
        },
      );
    }
    return this.#download(attachment.url);
  }

  async setCommands(commands: CommandInfo[]): Promise<void> {
    try {
      await this.#bot.api.setMyCommands(toBotCommands(commands));
    } catch (error) {
      throw toAdapterError(error, 'setMyCommands');
    }
  }

  /** The webhook route: the secret checked, the update checked, then handled. */
  #webhookRouteSpec() {
    const webhook = this.#options.webhook as NonNullable<TelegramOptions['webhook']>;
    return telegramWebhookRoute({
      path: new URL(webhook.url).pathname || '/',
      secret: this.#webhookSecret as string,
      handle: async (value) => {
        const running = this.#running;
        if (!running) throw new NotCommittedError('not_running', 'telegram: the adapter is not running');
        return outcomeOf(await this.#handleUpdate(value, running));
      },
    });
  }

  /** Opens the route (on the shared ingress, or on one of its own) and registers it with Telegram. */
  async #startWebhook(running: Running): Promise<OpenedRoute> {
    const webhook = this.#options.webhook as NonNullable<TelegramOptions['webhook']>;
    let opened: OpenedRoute;
    try {
      opened = await openWebhookRoute({
        shared: this.#sharedRoute,
        ingress: this.#http,
        spec: () => this.#webhookRouteSpec(),
        standalone: {
          name: TELEGRAM_PLATFORM,
          host: webhook.host ?? TELEGRAM_DEFAULTS.webhookHost,
          port: webhook.port ?? TELEGRAM_DEFAULTS.webhookPort,
        },
        ctx: running.ctx,
      });
    } catch (error) {
      const details = error instanceof GatewayError ? error.details : {};
      throw new AdapterError(TELEGRAM_PLATFORM, `the webhook listener cannot start: ${String(error)}`, {
        retryable: details.retryable === true,
        cause: error,
        reason: typeof details.reason === 'string' ? details.reason : 'listen_failed',
      });
    }
    running.ctx = opened.ctx;
    try {
      await this.#bot.api.setWebhook(
        webhook.url,
        { secret_token: this.#webhookSecret as string, allowed_updates: [...ALLOWED_UPDATES] },
        grammySignal(running.ctx.signal),
      );
    } catch (error) {
      await opened.close();
      throw toAdapterError(error, 'setWebhook');
    }
    return opened;
  }

  #createPoller(running: Running): LongPoller {
    const { ctx } = running;
    return new LongPoller({
      getUpdates: (offset, timeout, signal) =>
        this.#bot.api.getUpdates(
          { offset, timeout, allowed_updates: [...ALLOWED_UPDATES] },
          grammySignal(signal),
        ),
      handle: async (update) => {
        const result = await this.#handleUpdate(update, running);
        if ('ok' in result) {
          ctx.log.warn(
            { updateId: update.update_id, reason: result.reason, detail: result.detail },
            `telegram: update ignored (${result.reason}: ${result.detail})`,
          );
        }
      },
      onError: (error) => ctx.reportError?.(error),
      onHealthy: () => ctx.reportHealthy?.(),
      onFatal: (error) => {
        ctx.reportError?.(error);
        for (const listener of this.#failureListeners) listener(error);
      },
      log: ctx.log,
      timeoutSeconds: this.#options.pollTimeoutSeconds ?? TELEGRAM_DEFAULTS.pollTimeoutSeconds,
      backoff: this.#options.pollBackoff ?? TELEGRAM_DEFAULTS.pollBackoff,
    });
  }

  /**
   * Checks and normalises one update and hands it to the gateway; resolves after `ingest`
   * did. An update the adapter cannot use is not an error: it comes back as the reason.
   */
  async #handleUpdate(value: unknown, running: Running): Promise<UpdateResult> {
    const parsed = parseUpdate(value);
    if (!parsed.ok) return parsed;
    const { update } = parsed;
    const message = (update.message ?? update.channel_post) as Message;
    const classified = classifyMessage(message, {
      bot: running.bot,
      requireMention: this.#options.requireMention ?? TELEGRAM_DEFAULTS.requireMention,
      ignoreBots: this.#options.ignoreBots ?? TELEGRAM_DEFAULTS.ignoreBots,
    });
    if (!classified.accept) {
      running.ctx.log.debug(
        { updateId: update.update_id, reason: classified.reason },
        'telegram: message skipped',
      );
      return { kind: 'skipped', reason: classified.reason };
    }
    const { attachments, transcript } = await resolveAttachments(message, {
      filePath: async (fileId) => (await this.#bot.api.getFile(fileId)).file_path,
      download: (path) => this.#download(path),
      ...(this.#options.transcribe ? { transcribe: this.#options.transcribe } : {}),
      log: running.ctx.log,
    });
    let text = classified.message.text;
    if (transcript) text = text ? `${text}\n\n${transcript}` : transcript;
    await running.ctx.ingest({
      ...classified.message,
      text,
      ...(attachments.length > 0 ? { attachments } : {}),
    });
    return { kind: 'ingested' };
  }

  async #sendText(chat: ChatRef, text: string, quote?: string): Promise<string> {
    try {
      const sent = await this.#bot.api.sendMessage(toChatId(chat.chatId), text, {
        ...threadOf(chat),
        ...quoteOf(chat, quote),
      });
      return platformMessageId(sent.chat.id, sent.message_id);
    } catch (error) {
      throw toAdapterError(error, 'sendMessage');
    }
  }

  async #sendFile(
    chat: ChatRef,
    attachment: Attachment,
    caption: string | undefined,
    quote?: string,
  ): Promise<string> {
    const chatId = toChatId(chat.chatId);
    const other = { ...threadOf(chat), ...quoteOf(chat, quote), ...(caption ? { caption } : {}) };
    const api = this.#bot.api;
    const method = mediaMethod(attachment);
    let sent: Message;
    try {
      if (method === 'sendPhoto') sent = await api.sendPhoto(chatId, toInputFile(attachment), other);
      else if (method === 'sendVoice') sent = await api.sendVoice(chatId, toInputFile(attachment), other);
      else if (method === 'sendVideo') sent = await api.sendVideo(chatId, toInputFile(attachment), other);
      else sent = await api.sendDocument(chatId, toInputFile(attachment), other);
    } catch (error) {
      const classified = toAdapterError(error, method);
      // Telegram refuses some images and audio as photos or voice notes: send them as documents
      if (method !== 'sendDocument' && classified.details.reason === 'bad_request') {
        try {
          sent = await api.sendDocument(chatId, toInputFile(attachment), other);
        } catch (retry) {
          throw toAdapterError(retry, 'sendDocument');
        }
      } else {
        throw classified;
      }
    }
    return platformMessageId(sent.chat.id, sent.message_id);
  }

  /** Downloads a Bot API file path. */
  async #download(path: string): Promise<Uint8Array> {
    const url = /^https?:\/\//i.test(path)
      ? path
      : `${this.#options.apiRoot}/file/bot${this.#options.token}/${path.replace(/^\/+/, '')}`;
    let response: Response;
    try {
      response = await fetch(url);
    } catch (error) {
      throw new AdapterError(TELEGRAM_PLATFORM, `file download failed: ${String(error)}`, {
        retryable: true,
        cause: error,
        reason: 'network',
      });
    }
    if (!response.ok) {
      await response.body?.cancel();
      const retryable = response.status === 429 || response.status >= 500;
      throw new AdapterError(TELEGRAM_PLATFORM, `file download failed: HTTP ${response.status}`, {
        retryable,
        reason: retryable ? 'upstream' : 'file_unavailable',
      });
    }
    return new Uint8Array(await response.arrayBuffer());
  }
}

/** The webhook answer of a handled update. */
function outcomeOf(result: UpdateResult): RouteOutcome {
  if ('ok' in result) return ignored(result.reason, result.detail);
  return result.kind === 'ingested' ? accepted() : skipped(result.reason);
}

/** grammY types its signals with the `abort-controller` polyfill; Node's own signal is what it gets at runtime. */
type GrammySignal = Parameters<Bot['api']['getMe']>[0];
function grammySignal(signal: AbortSignal): GrammySignal {
  return signal as unknown as GrammySignal;
}

/** A chat id as Telegram takes it: a number, or `@channelname`. */
function toChatId(chatId: string): number | string {
  return /^-?\d+$/.test(chatId) ? Number(chatId) : chatId;
}

/** The message number of a platform message id (`<chat_id>:<message_id>`) or a bare number. */
function messageNumber(messageId: string): number {
  const n = Number(messageId.slice(messageId.lastIndexOf(':') + 1));
  if (!Number.isInteger(n)) {
    throw new AdapterError(TELEGRAM_PLATFORM, `not a Telegram message id: ${messageId}`, {
      retryable: false,
      reason: 'bad_request',
    });
  }
  return n;
}

/** `message_thread_id` for a forum topic. */
function threadOf(chat: ChatRef): ApiOther {
  const id = chat.threadId !== undefined ? Number(chat.threadId) : Number.NaN;
  return Number.isInteger(id) ? { message_thread_id: id } : {};
}

/** In groups, the reply quotes the message it answers (DMs need no quote). */
function quoteOf(chat: ChatRef, quote: string | undefined): ApiOther {
  if (!quote || chat.chatType === 'dm') return {};
  const at = quote.lastIndexOf(':');
  if (at === -1 || quote.slice(0, at) !== chat.chatId) return {};
  const id = Number(quote.slice(at + 1));
  return Number.isInteger(id)
    ? { reply_parameters: { message_id: id, allow_sending_without_reply: true } }
    : {};
}
