/**
 * A fake WhatsApp at the baileys boundary (no WhatsApp server exists offline,
 * PEERS.md): `FakeWhatsApp.makeSocket` makes sockets with the subset of
 * baileys' `WASocket` the adapter uses and a real baileys event emitter
 * (`makeEventBuffer`). Each socket connects like the real one: it opens when
 * the device is linked, shows QR codes when it is not, and closes with the
 * `DisconnectReason` a test asks for. Every `sendMessage`, presence update and
 * read receipt is recorded; messages from users are real WAProto
 * `WebMessageInfo` objects emitted as `messages.upsert`.
 */
import { Boom } from '@hapi/boom';
import {
  type AnyMessageContent,
  type BaileysEventMap,
  DisconnectReason,
  generateMessageIDV2,
  makeEventBuffer,
  proto,
  type UserFacingSocketConfig,
  type WAMessage,
  type WAMessageKey,
} from 'baileys';
import type { SocketFactory, WhatsAppSocket } from '../../../src/adapters/whatsapp/index.ts';

/** The jid of the linked account (the bot). */
export const BOT_JID = '15550000000:7@s.whatsapp.net';

const SILENT = {
  level: 'silent',
  child: () => SILENT,
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** One `sendMessage` call the adapter made. */
export interface SentCall {
  jid: string;
  content: AnyMessageContent;
  key: WAMessageKey;
  /** When it reached the fake (ms since epoch). */
  at: number;
}

/** How a new socket's connection attempt ends. */
export type ConnectOutcome = 'open' | 'qr' | 'hang' | { closeWith: number };

/** A Boom error as baileys raises it for a close with `statusCode`. */
export function closeError(statusCode: number, message = 'Connection Closed'): Boom {
  return new Boom(message, { statusCode });
}

/** The fake WhatsApp service behind every socket the adapter makes. */
export class FakeWhatsApp {
  /** Every socket made, in order. */
  readonly sockets: FakeSocket[] = [];
  /** Every `sendMessage` call, in order (failed ones excluded). */
  readonly sent: SentCall[] = [];
  /** Every presence update: `[type, jid]`. */
  readonly presences: [string, string | undefined][] = [];
  /** Keys marked read. */
  readonly read: WAMessageKey[] = [];
  /** Numbers a pairing code was requested for. */
  readonly pairingRequests: string[] = [];
  /** The pairing code WhatsApp hands out. */
  pairingCode = 'K7PQ2XWM';
  /** Treats every device as linked (no QR code needed). */
  linked: boolean;
  /** Decides how the next socket connects (default: open when linked, else show a QR code). */
  outcome: ((socket: FakeSocket, index: number) => ConnectOutcome) | undefined;
  /** Thrown by the next `sendMessage` instead of sending. */
  failNextSend: Error | undefined;

  constructor(opts: { linked?: boolean } = {}) {
    this.linked = opts.linked ?? false;
  }

  /** The socket factory to give the adapter. */
  readonly makeSocket: SocketFactory = (config) => {
    const socket = new FakeSocket(this, config);
    this.sockets.push(socket);
    const index = this.sockets.length - 1;
    queueMicrotask(() => socket.connect(this.outcome?.(socket, index)));
    return socket;
  };

  /** The newest socket. */
  get current(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no socket was made yet');
    return socket;
  }

  /** Delivers messages to the adapter as WhatsApp does (`messages.upsert`, type notify). */
  deliver(messages: WAMessage[], type: BaileysEventMap['messages.upsert']['type'] = 'notify'): void {
    const socket = this.current;
    if (!socket.isOpen) throw new Error('the newest socket is not open');
    socket.ev.emit('messages.upsert', { messages, type });
  }
}

/** One socket: the subset of baileys' `WASocket` the adapter uses. */
export class FakeSocket implements WhatsAppSocket {
  readonly ev = makeEventBuffer(SILENT);
  readonly config: UserFacingSocketConfig;
  user: WhatsAppSocket['user'] = undefined;
  isOpen = false;
  closed = false;
  readonly #server: FakeWhatsApp;

  constructor(server: FakeWhatsApp, config: UserFacingSocketConfig) {
    this.#server = server;
    this.config = config;
    // as baileys' socket does: credential updates are merged into the auth state
    this.ev.on('creds.update', (update) => Object.assign(config.auth.creds, update));
  }

  /** Runs the connection attempt. */
  connect(outcome?: ConnectOutcome): void {
    if (this.closed) return;
    this.ev.emit('connection.update', { connection: 'connecting' });
    const registered = this.config.auth.creds.registered;
    const result = outcome ?? (this.#server.linked || registered ? 'open' : 'qr');
    if (result === 'open') this.open();
    else if (result === 'qr') this.showQr();
    else if (result !== 'hang') this.close(result.closeWith);
  }

  /** The connection opens. */
  open(): void {
    this.isOpen = true;
    this.user = { id: BOT_JID, name: 'Hermes' };
    this.ev.emit('connection.update', { connection: 'open' });
  }

  /** WhatsApp hands out a (new) QR code. */
  showQr(ref = `2@${generateMessageIDV2()}`): void {
    this.ev.emit('connection.update', { qr: `${ref},pubkey,identity,adv` });
  }

  /** The phone scans the QR code (or enters the pairing code): linked, then WhatsApp asks for a restart. */
  scan(): void {
    this.ev.emit('creds.update', { registered: true, me: { id: BOT_JID, name: 'Hermes' } });
    this.ev.emit('connection.update', { isNewLogin: true, qr: undefined });
    this.close(DisconnectReason.restartRequired);
  }

  /** The connection closes with a baileys status code. */
  close(statusCode: number): void {
    void this.end(closeError(statusCode));
  }

  async sendMessage(jid: string, content: AnyMessageContent): Promise<WAMessage | undefined> {
    if (!this.isOpen) throw closeError(DisconnectReason.connectionClosed);
    const failure = this.#server.failNextSend;
    if (failure) {
      this.#server.failNextSend = undefined;
      throw failure;
    }
    const key: WAMessageKey = { remoteJid: jid, fromMe: true, id: generateMessageIDV2() };
    this.#server.sent.push({ jid, content, key, at: Date.now() });
    const message = proto.WebMessageInfo.fromObject({
      key,
      message: messageOf(content),
      messageTimestamp: Math.floor(Date.now() / 1000),
      status: proto.WebMessageInfo.Status.SERVER_ACK,
    }) as WAMessage;
    // baileys emits the account's own messages too (emitOwnEvents), as `append`
    process.nextTick(() => this.ev.emit('messages.upsert', { messages: [message], type: 'append' }));
    return message;
  }

  async sendPresenceUpdate(type: Parameters<WhatsAppSocket['sendPresenceUpdate']>[0], jid?: string) {
    if (!this.isOpen) throw closeError(DisconnectReason.connectionClosed);
    this.#server.presences.push([type, jid]);
  }

  async readMessages(keys: WAMessageKey[]): Promise<void> {
    this.#server.read.push(...keys);
  }

  async requestPairingCode(phoneNumber: string): Promise<string> {
    if (this.closed) throw closeError(DisconnectReason.connectionClosed);
    this.#server.pairingRequests.push(phoneNumber);
    return this.#server.pairingCode;
  }

  async updateMediaMessage(message: WAMessage): Promise<WAMessage> {
    return message;
  }

  async end(error: Error | undefined): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.isOpen = false;
    this.ev.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } });
    this.ev.removeAllListeners('connection.update');
    this.ev.destroy();
  }
}

/** The WAProto message the fake stores for a sent content (text, caption, file name). */
function messageOf(content: AnyMessageContent): proto.IMessage {
  const c = content as Record<string, unknown>;
  if (typeof c.text === 'string' && c.edit) {
    return {
      protocolMessage: { key: c.edit as WAMessageKey, type: 14, editedMessage: { conversation: c.text } },
    };
  }
  if (typeof c.text === 'string') return { extendedTextMessage: { text: c.text } };
  if (c.delete) return { protocolMessage: { key: c.delete as WAMessageKey, type: 0 } };
  if (c.image) return { imageMessage: { caption: (c.caption as string | undefined) ?? null } };
  if (c.document) {
    return {
      documentMessage: {
        caption: (c.caption as string | undefined) ?? null,
        fileName: (c.fileName as string | undefined) ?? null,
        mimetype: (c.mimetype as string | undefined) ?? null,
      },
    };
  }
  return {};
}
