/**
 * The WhatsApp adapter: a linked device on the user's WhatsApp account over
 * WhatsApp Web (baileys). It links by QR code (printed in the log) or by
 * pairing code, keeps the auth state in `<HERMES_HOME>/whatsapp/auth`, receives
 * `messages.upsert`, and answers with `sendMessage`: the kit splits text at
 * 4096 characters and streams by edits; the wire sends texts, images and
 * documents, edits, deletes and typing presence.
 *
 * baileys acknowledges a message to WhatsApp when it decrypts it, before the
 * adapter sees it; the adapter marks it read on the phone only after
 * `ctx.ingest` accepted it.
 */
import type { AnyMessageContent, BaileysEventMap, proto, WAMessage } from 'baileys';
import { AdapterError } from '../../errors.ts';
import type { Attachment, ChatRef, MessageRef } from '../contract.ts';
import {
  type Failure,
  type FileSendOptions,
  KitAdapter,
  type PlatformWire,
  type WireContext,
} from '../kit/index.ts';
import type { BackoffOptions } from './backoff.ts';
import { WhatsAppConnection } from './connection.ts';
import {
  DEFAULT_MAX_MEDIA_BYTES,
  downloadWithBaileys,
  fetchInboundMedia,
  type MediaDownloader,
} from './inbound-media.ts';
import { toInboundParts } from './inbound-message.ts';
import { ownMessageKey, platformMessageId } from './message-id.ts';
import { attachmentContent, MAX_CAPTION_LENGTH } from './outbound-content.ts';
import { pairingCodeHint, renderQr, SCAN_QR_HINT } from './qr-code.ts';
import { classifyWhatsAppError, notConnectedError } from './send-error.ts';
import {
  makeBaileysSocket,
  type SocketFactory,
  WHATSAPP_PLATFORM,
  type WhatsAppSocket,
  whatsappAuthDir,
} from './socket.ts';

/** WhatsApp's message length the adapter splits at. */
export const WHATSAPP_MAX_MESSAGE_LENGTH = 4096;

/** Fewest milliseconds between two edits of a streamed message. */
export const WHATSAPP_EDIT_INTERVAL_MS = 1500;

/** The log line of a device that must be linked again. */
export const NEEDS_RELINK_MESSAGE = 'WhatsApp needs relink: run hermes gateway setup';

/** Options of `WhatsAppAdapter`. */
export interface WhatsAppAdapterOptions {
  /** `HERMES_HOME`: the auth state lives in `<home>/whatsapp/auth`. */
  home: string;
  /** Phone number (digits with country code) to link by pairing code instead of a QR code. */
  pairingNumber?: string;
  /** Makes the socket (default baileys' `makeWASocket`). */
  makeSocket?: SocketFactory;
  /** Downloads a received file (default baileys' `downloadMediaMessage`). */
  downloadMedia?: MediaDownloader;
  /** Largest received file kept with its bytes (default 16 MiB). */
  maxMediaBytes?: number;
  /** Fewest milliseconds between edits of a streamed message (default 1500). */
  editIntervalMs?: number;
  /** Reconnect delays (default 1 s doubling to 60 s). */
  backoff?: BackoffOptions;
  /** Mark received messages as read once accepted (default true). */
  markRead?: boolean;
}

/** Sent messages kept so baileys can re-send one a recipient could not decrypt. */
const SENT_CACHE_SIZE = 500;

/** WhatsApp's wire: a baileys socket that reconnects by itself. */
export class WhatsAppWire implements PlatformWire {
  readonly name = WHATSAPP_PLATFORM;
  readonly title = 'WhatsApp';
  readonly limits = { maxMessageLength: WHATSAPP_MAX_MESSAGE_LENGTH, maxCaptionLength: MAX_CAPTION_LENGTH };
  readonly declares = { voice: true, images: true };
  readonly editIntervalMs: number;
  readonly #options: WhatsAppAdapterOptions;
  readonly #sentContent = new Map<string, proto.IMessage>();
  readonly #typing = new Set<string>();
  #ctx: WireContext | undefined;
  #connection: WhatsAppConnection | undefined;
  #started = false;
  #dropped = false;
  #relink: AdapterError | undefined;
  #inbound: Promise<void> = Promise.resolve();

  constructor(options: WhatsAppAdapterOptions) {
    this.#options = options;
    this.editIntervalMs = options.editIntervalMs ?? WHATSAPP_EDIT_INTERVAL_MS;
  }

  classify(error: unknown): Failure {
    return classifyWhatsAppError(error);
  }

  /** Connects (links first when needed); resolves once the connection is open. */
  async connect(ctx: WireContext, signal: AbortSignal): Promise<void> {
    this.#ctx = ctx;
    this.#started = false;
    this.#dropped = false;
    this.#relink = undefined;
    const connection = new WhatsAppConnection({
      authDir: whatsappAuthDir(this.#options.home),
      makeSocket: this.#options.makeSocket ?? makeBaileysSocket,
      log: ctx.log,
      socketConfig: { getMessage: async (key) => (key.id ? this.#sentContent.get(key.id) : undefined) },
      events: this.#connectionEvents(ctx),
      ...(this.#options.pairingNumber ? { pairingNumber: this.#options.pairingNumber } : {}),
      ...(this.#options.backoff ? { backoff: this.#options.backoff } : {}),
    });
    connection.on('messages.upsert', (upsert) => this.#onUpsert(upsert));
    this.#connection = connection;
    // a stop while linking or reconnecting ends the attempt
    const onAbort = () => void connection.stop();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await connection.connect();
    } catch (error) {
      await this.disconnect();
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    this.#started = true;
  }

  async disconnect(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    this.#started = false;
    this.#typing.clear();
    await connection?.stop();
  }

  async sendText(chat: ChatRef, text: string): Promise<string | undefined> {
    return this.#deliver(chat.chatId, { text });
  }

  async sendFile(chat: ChatRef, file: Attachment, { caption }: FileSendOptions): Promise<string | undefined> {
    const content = attachmentContent(file, caption);
    // a voice note carries no caption: its text goes out first
    if (caption && 'audio' in content) await this.#deliver(chat.chatId, { text: caption });
    return this.#deliver(chat.chatId, content);
  }

  async edit(ref: MessageRef, text: string): Promise<void> {
    const key = ownMessageKey(ref.messageId);
    await this.#deliver(key.remoteJid as string, { text, edit: key });
  }

  async delete(ref: MessageRef): Promise<void> {
    const key = ownMessageKey(ref.messageId);
    await this.#deliver(key.remoteJid as string, { delete: key });
  }

  async typing(chat: ChatRef): Promise<void> {
    await this.#requireSocket('show typing').sendPresenceUpdate('composing', chat.chatId);
    this.#typing.add(chat.chatId);
  }

  #connectionEvents(ctx: WireContext) {
    return {
      onQr: (qr: string) => {
        ctx.log.info({ event: 'whatsapp_qr' }, `\n${renderQr(qr)}`);
        ctx.log.info({ event: 'whatsapp_qr' }, `${SCAN_QR_HINT} (or run: hermes gateway setup)`);
      },
      onPairingCode: (code: string) => {
        ctx.log.info({ event: 'whatsapp_pairing_code', pairingCode: code }, pairingCodeHint(code));
      },
      onOpen: (socket: WhatsAppSocket) => {
        ctx.log.info({ account: socket.user?.id }, 'WhatsApp connected');
        if (this.#dropped) ctx.reportHealthy();
        this.#dropped = false;
      },
      onDrop: (error: AdapterError, delayMs: number) => {
        this.#dropped = true;
        ctx.log.warn(
          { err: error.message, reason: error.details.reason, delayMs },
          `WhatsApp connection dropped; reconnecting in ${formatDelay(delayMs)}`,
        );
        ctx.reportError(error);
      },
      onFatal: (error: AdapterError) => {
        this.#relink = error;
        if (error.details.reason === 'needs_relink') {
          ctx.log.error({ err: error.message, reason: 'needs_relink' }, NEEDS_RELINK_MESSAGE);
        } else {
          ctx.log.error(
            { err: error.message, reason: error.details.reason },
            'WhatsApp refused the connection',
          );
        }
        // while connecting, the failed connect() tells the gateway
        if (this.#started) ctx.fail(error);
        else ctx.reportError(error);
      },
    };
  }

  #onUpsert(upsert: BaileysEventMap['messages.upsert']): void {
    if (upsert.type !== 'notify') return;
    for (const wa of upsert.messages) {
      this.#inbound = this.#inbound.then(() =>
        this.#receive(wa).catch((error: unknown) =>
          this.#ctx?.log.error({ err: String(error), id: wa.key.id }, 'whatsapp: cannot accept a message'),
        ),
      );
    }
  }

  async #receive(wa: WAMessage): Promise<void> {
    const ctx = this.#ctx;
    const connection = this.#connection;
    if (!ctx || !connection) return;
    const parts = toInboundParts(wa);
    if (!parts) return;
    let message = parts.message;
    if (parts.media) {
      const fetched = await fetchInboundMedia(wa, parts.media, {
        socket: connection.openSocket(),
        download: this.#options.downloadMedia ?? downloadWithBaileys,
        maxBytes: this.#options.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES,
        log: ctx.log,
      });
      const text = fetched.note ? [message.text, fetched.note].filter(Boolean).join('\n') : message.text;
      message = { ...message, text, attachments: [fetched.attachment] };
    }
    const result = await ctx.ingest(message);
    if (result.refused || this.#options.markRead === false) return;
    connection
      .openSocket()
      ?.readMessages([wa.key])
      .catch((error: unknown) =>
        ctx.log.debug({ err: String(error) }, 'whatsapp: cannot mark a message read'),
      );
  }

  /** Sends one message; returns its platform message id. The bot answered: "typing…" ends. */
  async #deliver(jid: string, content: AnyMessageContent): Promise<string | undefined> {
    const socket = this.#requireSocket('send a message');
    const sent = await socket.sendMessage(jid, content);
    if (this.#typing.delete(jid)) socket.sendPresenceUpdate('paused', jid).catch(() => {});
    const id = sent?.key.id;
    if (!id) return undefined;
    if (sent?.message) this.#remember(id, sent.message);
    return platformMessageId(sent?.key.remoteJid || jid, id);
  }

  #remember(id: string, content: proto.IMessage): void {
    this.#sentContent.set(id, content);
    if (this.#sentContent.size > SENT_CACHE_SIZE) {
      const oldest = this.#sentContent.keys().next().value;
      if (oldest !== undefined) this.#sentContent.delete(oldest);
    }
  }

  #requireSocket(action: string): WhatsAppSocket {
    if (this.#relink) {
      throw new AdapterError(WHATSAPP_PLATFORM, `cannot ${action}: ${this.#relink.message}`, {
        retryable: false,
        reason: String(this.#relink.details.reason ?? 'needs_relink'),
      });
    }
    const socket = this.#connection?.openSocket();
    if (!socket) throw notConnectedError(action);
    return socket;
  }
}

/**
 * The WhatsApp adapter.
 *
 * @example
 * const whatsapp = new WhatsAppAdapter({ home: '/home/me/.hermes' });
 * const gateway = createGateway({ store, agent, adapters: [whatsapp] });
 * await gateway.start(); // the log shows a QR code until the device is linked
 */
export class WhatsAppAdapter extends KitAdapter<WhatsAppWire> {
  // the primitives WhatsApp's wire has, so callers need no optional call
  declare readonly edit: (ref: MessageRef, text: string) => Promise<void>;
  declare readonly delete: (ref: MessageRef) => Promise<void>;
  declare readonly sendTyping: (chat: ChatRef) => Promise<void>;

  constructor(options: WhatsAppAdapterOptions) {
    super(new WhatsAppWire(options));
  }
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}
