/**
 * The WhatsApp adapter: a linked device on the user's WhatsApp account over
 * WhatsApp Web (baileys). It links by QR code (printed in the log) or by
 * pairing code, keeps the auth state in `<HERMES_HOME>/whatsapp/auth`, receives
 * `messages.upsert`, and answers with `sendMessage`: text split at 4096
 * characters, streaming by editing one message, images and documents, typing
 * presence and deletes.
 *
 * baileys acknowledges a message to WhatsApp when it decrypts it, before the
 * adapter sees it; the adapter marks it read on the phone only after
 * `ctx.ingest` accepted it.
 */
import type { AnyMessageContent, BaileysEventMap, proto, WAMessage } from 'baileys';
import { AdapterError, GatewayError } from '../../errors.ts';
import {
  type Adapter,
  type AdapterCapabilities,
  type AdapterContext,
  type ChatRef,
  type MessageRef,
  NO_CAPABILITIES,
  type OutboundMessage,
  type SendResult,
} from '../contract.ts';
import { splitMessage } from '../shared/split-message.ts';
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
import { notConnectedError, toAdapterError } from './send-error.ts';
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

/** What the adapter can do (FEATURES.md §1): images, files, typing, streaming by edits; no voice, threads or reactions. */
export const WHATSAPP_CAPABILITIES: AdapterCapabilities = {
  ...NO_CAPABILITIES,
  images: true,
  files: true,
  typing: true,
  streaming: true,
  edit: true,
  delete: true,
  maxMessageLength: WHATSAPP_MAX_MESSAGE_LENGTH,
};

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

/**
 * The WhatsApp adapter.
 *
 * @example
 * const whatsapp = new WhatsAppAdapter({ home: '/home/me/.hermes' });
 * const gateway = createGateway({ store, agent, adapters: [whatsapp] });
 * await gateway.start(); // the log shows a QR code until the device is linked
 */
export class WhatsAppAdapter implements Adapter {
  readonly name = WHATSAPP_PLATFORM;
  readonly capabilities = WHATSAPP_CAPABILITIES;
  readonly #options: WhatsAppAdapterOptions;
  /** Fewest milliseconds between two edits of one streamed message. */
  readonly editIntervalMs: number;
  readonly #failureListeners: ((error: Error) => void)[] = [];
  readonly #sentContent = new Map<string, proto.IMessage>();
  readonly #typing = new Set<string>();
  #ctx: AdapterContext | undefined;
  #connection: WhatsAppConnection | undefined;
  #onAbort: (() => void) | undefined;
  #started = false;
  #dropped = false;
  #relink: AdapterError | undefined;
  #inbound: Promise<void> = Promise.resolve();

  constructor(options: WhatsAppAdapterOptions) {
    this.#options = options;
    this.editIntervalMs = options.editIntervalMs ?? WHATSAPP_EDIT_INTERVAL_MS;
  }

  /** Connects (links first when needed); resolves once the connection is open. */
  async start(ctx: AdapterContext): Promise<void> {
    if (this.#connection) {
      throw new GatewayError('GATEWAY_ERR_STATE', 'The WhatsApp adapter is already running; stop it first');
    }
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
    this.#onAbort = () => {
      this.stop().catch((error: unknown) => ctx.log.warn({ err: String(error) }, 'whatsapp: stop failed'));
    };
    ctx.signal.addEventListener('abort', this.#onAbort, { once: true });
    try {
      await connection.connect();
    } catch (error) {
      if (this.#connection === connection) await this.stop();
      throw error;
    }
    this.#started = true;
  }

  async stop(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    this.#started = false;
    if (this.#onAbort) this.#ctx?.signal.removeEventListener('abort', this.#onAbort);
    this.#onAbort = undefined;
    this.#typing.clear();
    await connection?.stop();
  }

  onFailure(listener: (error: Error) => void): void {
    this.#failureListeners.push(listener);
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const socket = this.#requireSocket('send a reply');
    const jid = message.chatId;
    const ids: string[] = [];
    let texts = message.text.trim() === '' ? [] : splitMessage(message.text, WHATSAPP_MAX_MESSAGE_LENGTH);
    const attachments = message.attachments ?? [];
    let caption: string | undefined;
    if (attachments.length > 0 && texts.length === 1 && (texts[0] as string).length <= MAX_CAPTION_LENGTH) {
      caption = texts[0];
      texts = [];
    }
    for (const text of texts) pushId(ids, await this.#deliver(socket, jid, { text }));
    for (const [i, attachment] of attachments.entries()) {
      pushId(
        ids,
        await this.#deliver(socket, jid, attachmentContent(attachment, i === 0 ? caption : undefined)),
      );
    }
    if (this.#typing.delete(jid)) socket.sendPresenceUpdate('paused', jid).catch(() => {});
    return { platformMessageId: ids.at(-1), platformMessageIds: ids };
  }

  async edit(ref: MessageRef, text: string): Promise<void> {
    const socket = this.#requireSocket('edit a message');
    const key = ownMessageKey(ref.messageId);
    await this.#deliver(socket, key.remoteJid as string, { text, edit: key });
  }

  async delete(ref: MessageRef): Promise<void> {
    const socket = this.#requireSocket('delete a message');
    const key = ownMessageKey(ref.messageId);
    await this.#deliver(socket, key.remoteJid as string, { delete: key });
  }

  async sendTyping(chat: ChatRef): Promise<void> {
    const socket = this.#requireSocket('show typing');
    try {
      await socket.sendPresenceUpdate('composing', chat.chatId);
      this.#typing.add(chat.chatId);
    } catch (error) {
      throw toAdapterError(error, 'show typing');
    }
  }

  #connectionEvents(ctx: AdapterContext) {
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
        if (this.#dropped) ctx.reportHealthy?.();
        this.#dropped = false;
      },
      onDrop: (error: AdapterError, delayMs: number) => {
        this.#dropped = true;
        ctx.log.warn(
          { err: error.message, reason: error.details.reason, delayMs },
          `WhatsApp connection dropped; reconnecting in ${formatDelay(delayMs)}`,
        );
        ctx.reportError?.(error);
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
        ctx.reportError?.(error);
        if (this.#started) for (const listener of this.#failureListeners) listener(error);
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

  /** Sends one message; returns its platform message id. */
  async #deliver(
    socket: WhatsAppSocket,
    jid: string,
    content: AnyMessageContent,
  ): Promise<string | undefined> {
    let sent: WAMessage | undefined;
    try {
      sent = await socket.sendMessage(jid, content);
    } catch (error) {
      throw toAdapterError(error, 'send a message');
    }
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

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

function pushId(ids: string[], id: string | undefined): void {
  if (id !== undefined) ids.push(id);
}
