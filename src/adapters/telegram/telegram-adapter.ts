/**
 * The Telegram adapter, on grammY: Telegram's wire for the adapter kit. It
 * receives updates by long polling (`deleteWebhook` first) or, with a webhook
 * URL, on a route of the gateway's HTTP ingress (or on an ingress of its own
 * when embedded without one); checks each update's shape and ignores what it
 * cannot use; normalises private chats, groups, supergroups and forum topics;
 * sends and edits messages, photos, documents and voice notes; and publishes
 * the gateway's commands in Telegram's `/` menu. Every update is acknowledged
 * (polling offset or 200) only after `ctx.ingest` resolved.
 */
import { randomBytes } from 'node:crypto';
import { Bot } from 'grammy';
import type { Message } from 'grammy/types';
import { AdapterError, GatewayError } from '../../errors.ts';
import { NotCommittedError } from '../../http/errors.ts';
import { type OpenedRoute, openWebhookRoute } from '../../http/ingress.ts';
import {
  accepted,
  ignored,
  type RouteOutcome,
  skipped,
  type WebhookRoute,
} from '../../http/webhook-route.ts';
import type { AdapterContext, Attachment, ChatRef, CommandInfo, MessageRef } from '../contract.ts';
import {
  downloadAttachment,
  type Failure,
  KitAdapter,
  type PlatformWire,
  type WireContext,
} from '../kit/index.ts';
import { splitMessage } from '../shared/split-message.ts';
import { toBotCommands } from './command-menu.ts';
import { resolveAttachments } from './inbound-attachments.ts';
import { classifyMessage, platformMessageId, type SkipReason } from './inbound-message.ts';
import { LongPoller } from './long-polling.ts';
import { mediaMethod, toInputFile } from './outbound-files.ts';
import { classifyTelegramError, isMessageGone, isNotModified, TELEGRAM_PLATFORM } from './telegram-errors.ts';
import {
  TELEGRAM_DEFAULTS,
  TELEGRAM_MAX_CAPTION_LENGTH,
  TELEGRAM_MAX_MESSAGE_LENGTH,
  type TelegramOptions,
  WEBHOOK_SECRET_PATTERN,
} from './telegram-options.ts';
import { telegramWebhookRoute } from './telegram-webhook.ts';
import { parseUpdate, type UnusableUpdate } from './update-schema.ts';

/** The update kinds the adapter asks Telegram for. */
const ALLOWED_UPDATES = ['message', 'channel_post'] as const;

/** Telegram serves bots files up to 20 MB. */
const MAX_BOT_FILE_BYTES = 20 * 1024 * 1024;

/** Everything that lives from `connect` to `disconnect`. */
interface Link {
  ctx: WireContext;
  /** The context ingest goes through (in webhook mode the route's guarded one: its failures become 503). */
  ingest: AdapterContext;
  bot: { id: number; username: string };
  poller?: LongPoller;
  webhook?: OpenedRoute;
}

/** What became of one update. */
type UpdateResult = { kind: 'ingested' } | { kind: 'skipped'; reason: SkipReason } | UnusableUpdate;

type ApiOther = {
  message_thread_id?: number;
  reply_parameters?: { message_id: number; allow_sending_without_reply: boolean };
};

/** Telegram's wire: grammY underneath, the kit's primitives on top. */
export class TelegramWire implements PlatformWire {
  readonly name = TELEGRAM_PLATFORM;
  readonly title = 'Telegram';
  readonly limits = {
    maxMessageLength: TELEGRAM_MAX_MESSAGE_LENGTH,
    maxCaptionLength: TELEGRAM_MAX_CAPTION_LENGTH,
    maxAttachmentBytes: MAX_BOT_FILE_BYTES,
  };
  readonly declares = { voice: true, images: true, threads: true };
  readonly editIntervalMs: number;
  readonly options: TelegramOptions & { apiRoot: string };
  readonly bot: Bot;
  readonly webhookSecret: string | undefined;
  /** The route on the gateway's shared ingress (webhook mode with `http`). */
  readonly #sharedRoute: WebhookRoute | undefined;
  link: Link | undefined;

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
    this.options = {
      ...options,
      apiRoot: (options.apiRoot ?? TELEGRAM_DEFAULTS.apiRoot).replace(/\/+$/, ''),
    };
    this.webhookSecret = options.webhook ? (secret ?? randomBytes(32).toString('hex')) : undefined;
    this.#sharedRoute = options.webhook && options.http ? options.http.route(this.#routeSpec()) : undefined;
    this.bot = new Bot(options.token, { client: { apiRoot: this.options.apiRoot } });
    this.editIntervalMs = options.editIntervalMs ?? TELEGRAM_DEFAULTS.editIntervalMs;
  }

  classify(error: unknown): Failure {
    return classifyTelegramError(error);
  }

  async connect(ctx: WireContext, signal: AbortSignal): Promise<void> {
    await this.bot.init(grammySignal(signal));
    const me = this.bot.botInfo;
    const link: Link = { ctx, ingest: ctx, bot: { id: me.id, username: me.username } };
    // the webhook route reads the link as soon as it is attached
    this.link = link;
    try {
      if (this.options.webhook) await this.#openWebhook(link, this.options.webhook, signal);
      else {
        await this.bot.api.deleteWebhook({ drop_pending_updates: false }, grammySignal(signal));
        link.poller = this.#createPoller(link);
        link.poller.start();
      }
    } catch (error) {
      if (this.link === link) this.link = undefined;
      throw error;
    }
    ctx.log.info(
      { bot: me.username, mode: this.options.webhook ? 'webhook' : 'polling' },
      'telegram: connected',
    );
  }

  async disconnect(): Promise<void> {
    const link = this.link;
    this.link = undefined;
    if (link?.poller) {
      await link.poller.stop();
      if (link.poller.unconfirmed) {
        // confirm the handled updates so a restart does not fetch them again
        await this.bot.api
          .getUpdates(
            { offset: link.poller.offset, limit: 1, timeout: 0 },
            grammySignal(AbortSignal.timeout(2000)),
          )
          .catch(() => {});
      }
    }
    await link?.webhook?.close();
  }

  async sendText(chat: ChatRef, text: string, { replyTo }: { replyTo?: string }): Promise<string> {
    const sent = await this.bot.api.sendMessage(toChatId(chat.chatId), text, {
      ...threadOf(chat),
      ...quoteOf(chat, replyTo),
    });
    return platformMessageId(sent.chat.id, sent.message_id);
  }

  async sendFile(
    chat: ChatRef,
    file: Attachment,
    options: { caption?: string; replyTo?: string },
  ): Promise<string> {
    const chatId = toChatId(chat.chatId);
    const other = {
      ...threadOf(chat),
      ...quoteOf(chat, options.replyTo),
      ...(options.caption ? { caption: options.caption } : {}),
    };
    const api = this.bot.api;
    const method = mediaMethod(file);
    let sent: Message;
    try {
      if (method === 'sendPhoto') sent = await api.sendPhoto(chatId, toInputFile(file), other);
      else if (method === 'sendVoice') sent = await api.sendVoice(chatId, toInputFile(file), other);
      else if (method === 'sendVideo') sent = await api.sendVideo(chatId, toInputFile(file), other);
      else sent = await api.sendDocument(chatId, toInputFile(file), other);
    } catch (error) {
      // Telegram refuses some images and audio as photos or voice notes: send them as documents
      if (method === 'sendDocument' || this.classify(error).reason !== 'bad_request') throw error;
      sent = await api.sendDocument(chatId, toInputFile(file), other);
    }
    return platformMessageId(sent.chat.id, sent.message_id);
  }

  async edit(ref: MessageRef, text: string): Promise<void> {
    const shown =
      text.length > TELEGRAM_MAX_MESSAGE_LENGTH
        ? (splitMessage(text, TELEGRAM_MAX_MESSAGE_LENGTH)[0] ?? '')
        : text;
    try {
      await this.bot.api.editMessageText(toChatId(ref.chatId), messageNumber(ref.messageId), shown);
    } catch (error) {
      if (!isNotModified(error)) throw error;
    }
  }

  async delete(ref: MessageRef): Promise<void> {
    try {
      await this.bot.api.deleteMessage(toChatId(ref.chatId), messageNumber(ref.messageId));
    } catch (error) {
      if (!isMessageGone(error)) throw error;
    }
  }

  async typing(chat: ChatRef): Promise<void> {
    await this.bot.api.sendChatAction(toChatId(chat.chatId), 'typing', threadOf(chat));
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
    await this.bot.api.setMyCommands(toBotCommands(commands));
  }

  /** The webhook route: the secret checked, the update checked, then handled. */
  #routeSpec() {
    const webhook = this.options.webhook as NonNullable<TelegramOptions['webhook']>;
    return telegramWebhookRoute({
      path: new URL(webhook.url).pathname || '/',
      secret: this.webhookSecret as string,
      handle: async (value) => {
        const link = this.link;
        if (!link) throw new NotCommittedError('not_running', 'telegram: the adapter is not running');
        return outcomeOf(await this.#handleUpdate(value, link));
      },
    });
  }

  /** Opens the route (on the shared ingress, or on one of its own) and registers it with Telegram. */
  async #openWebhook(
    link: Link,
    webhook: NonNullable<TelegramOptions['webhook']>,
    signal: AbortSignal,
  ): Promise<void> {
    const opened = await openWebhookRoute({
      shared: this.#sharedRoute,
      ingress: this.options.http,
      spec: () => this.#routeSpec(),
      standalone: {
        name: TELEGRAM_PLATFORM,
        host: webhook.host ?? TELEGRAM_DEFAULTS.webhookHost,
        port: webhook.port ?? TELEGRAM_DEFAULTS.webhookPort,
      },
      ctx: link.ctx,
    });
    link.ingest = opened.ctx;
    try {
      await this.bot.api.setWebhook(
        webhook.url,
        { secret_token: this.webhookSecret as string, allowed_updates: [...ALLOWED_UPDATES] },
        grammySignal(signal),
      );
    } catch (error) {
      await opened.close();
      throw error;
    }
    link.webhook = opened;
  }

  #createPoller(link: Link): LongPoller {
    const { ctx } = link;
    return new LongPoller({
      getUpdates: (offset, timeout, signal) =>
        this.bot.api.getUpdates(
          { offset, timeout, allowed_updates: [...ALLOWED_UPDATES] },
          grammySignal(signal),
        ),
      handle: async (update) => {
        const result = await this.#handleUpdate(update, link);
        if ('ok' in result) {
          ctx.log.warn(
            { updateId: update.update_id, reason: result.reason, detail: result.detail },
            `telegram: update ignored (${result.reason}: ${result.detail})`,
          );
        }
      },
      onError: (error) => ctx.reportError(error),
      onHealthy: () => ctx.reportHealthy(),
      onFatal: (error) => ctx.fail(error),
      log: ctx.log,
      timeoutSeconds: this.options.pollTimeoutSeconds ?? TELEGRAM_DEFAULTS.pollTimeoutSeconds,
      backoff: this.options.pollBackoff ?? TELEGRAM_DEFAULTS.pollBackoff,
    });
  }

  /**
   * Checks and normalises one update and hands it to the gateway; resolves after `ingest`
   * did. An update the adapter cannot use is not an error: it comes back as the reason.
   */
  async #handleUpdate(value: unknown, link: Link): Promise<UpdateResult> {
    const parsed = parseUpdate(value);
    if (!parsed.ok) return parsed;
    const { update } = parsed;
    const message = (update.message ?? update.channel_post) as Message;
    const classified = classifyMessage(message, {
      bot: link.bot,
      requireMention: this.options.requireMention ?? TELEGRAM_DEFAULTS.requireMention,
      ignoreBots: this.options.ignoreBots ?? TELEGRAM_DEFAULTS.ignoreBots,
    });
    if (!classified.accept) {
      link.ctx.log.debug(
        { updateId: update.update_id, reason: classified.reason },
        'telegram: message skipped',
      );
      return { kind: 'skipped', reason: classified.reason };
    }
    const { attachments, transcript } = await resolveAttachments(message, {
      filePath: async (fileId) => (await this.bot.api.getFile(fileId)).file_path,
      download: (path) => this.#download(path),
      ...(this.options.transcribe ? { transcribe: this.options.transcribe } : {}),
      log: link.ctx.log,
    });
    let text = classified.message.text;
    if (transcript) text = text ? `${text}\n\n${transcript}` : transcript;
    await link.ingest.ingest({
      ...classified.message,
      text,
      ...(attachments.length > 0 ? { attachments } : {}),
    });
    return { kind: 'ingested' };
  }

  /** Downloads a Bot API file path. */
  #download(path: string): Promise<Uint8Array> {
    const url = /^https?:\/\//i.test(path)
      ? path
      : `${this.options.apiRoot}/file/bot${this.options.token}/${path.replace(/^\/+/, '')}`;
    return downloadAttachment(url, { maxBytes: MAX_BOT_FILE_BYTES });
  }
}

/**
 * The Telegram adapter.
 *
 * @example
 * const telegram = new TelegramAdapter({ token: process.env.TELEGRAM_BOT_TOKEN! });
 * const gateway = createGateway({ store, agent, adapters: [telegram] });
 * await gateway.start();
 */
export class TelegramAdapter extends KitAdapter<TelegramWire> {
  // the primitives Telegram's wire has, so callers need no optional call
  declare readonly edit: (ref: MessageRef, text: string) => Promise<void>;
  declare readonly delete: (ref: MessageRef) => Promise<void>;
  declare readonly sendTyping: (chat: ChatRef) => Promise<void>;
  declare readonly setCommands: (commands: CommandInfo[]) => Promise<void>;
  declare readonly fetchAttachment: (attachment: Attachment) => Promise<Uint8Array>;

  constructor(options: TelegramOptions) {
    super(new TelegramWire(options));
  }

  /** The bot's id and username (after `start`). */
  get identity(): { id: number; username: string } | undefined {
    return this.wire.link?.bot;
  }

  /** Where the webhook route listens (webhook mode, after `start`). */
  webhookAddress(): { host: string; port: number } | undefined {
    return this.wire.link?.webhook?.address();
  }

  /** The secret Telegram must send with webhook requests (webhook mode). */
  get webhookSecret(): string | undefined {
    return this.wire.webhookSecret;
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
