/**
 * One WhatsApp Web link: the auth state on disk, the current baileys socket,
 * linking (QR code or pairing code) and reconnecting. A dropped connection is
 * reopened after an exponential backoff (1 s → 60 s); a restart request is
 * obeyed at once; a logout or a broken session stops the link for good (the
 * device must be linked again). Both the adapter and the setup wizard's
 * `linkWhatsApp` run on it.
 */
import {
  type AuthenticationState,
  type BaileysEventEmitter,
  type BaileysEventMap,
  makeCacheableSignalKeyStore,
  type UserFacingSocketConfig,
  useMultiFileAuthState,
} from 'baileys';
import { makePrivateDirAsync } from '../../config/private-home.ts';
import { AdapterError, GatewayError } from '../../errors.ts';
import type { AdapterLogger } from '../contract.ts';
import { type BackoffOptions, RECONNECT_BACKOFF, reconnectDelayMs } from './backoff.ts';
import { baileysLogger } from './baileys-logger.ts';
import { classifyClose } from './disconnect.ts';
import { type SocketFactory, WHATSAPP_PLATFORM, type WhatsAppSocket } from './socket.ts';

/** What the link tells its owner. */
export interface ConnectionEvents {
  /** A QR code to scan (the device is not linked and no pairing number was given). Repeats as WhatsApp refreshes it. */
  onQr?(qr: string): void;
  /** The pairing code for the pairing number (8 characters). */
  onPairingCode?(code: string): void;
  /** The connection is open (the first time and after every reconnect). */
  onOpen?(socket: WhatsAppSocket): void;
  /** The connection dropped; it is reopened after `delayMs` (0: at once). */
  onDrop?(error: AdapterError, delayMs: number): void;
  /** The connection closed for good (logged out, session replaced, ...): nothing reconnects. */
  onFatal?(error: AdapterError): void;
}

/** Options of `WhatsAppConnection`. */
export interface WhatsAppConnectionOptions {
  /** Folder of the auth state (`<HERMES_HOME>/whatsapp/auth`). */
  authDir: string;
  /** Phone number (digits with country code) to link by pairing code instead of a QR code. */
  pairingNumber?: string;
  makeSocket: SocketFactory;
  log: AdapterLogger;
  /** Reconnect delays (default 1 s → 60 s). */
  backoff?: BackoffOptions;
  /** More baileys socket settings (e.g. `getMessage`). */
  socketConfig?: Partial<UserFacingSocketConfig>;
  events: ConnectionEvents;
}

/** A listener bound to its event: attaches to and detaches from one socket's emitter. */
interface Listener {
  attach(ev: BaileysEventEmitter): void;
  detach(ev: BaileysEventEmitter): void;
}

function listener<E extends keyof BaileysEventMap>(
  event: E,
  fn: (arg: BaileysEventMap[E]) => void,
): Listener {
  return { attach: (ev) => ev.on(event, fn), detach: (ev) => ev.off(event, fn) };
}

/** Restarts in a row obeyed at once; more are treated as drops (with backoff). */
const MAX_IMMEDIATE_RESTARTS = 2;

/**
 * A WhatsApp Web link that keeps itself connected.
 *
 * @example
 * const link = new WhatsAppConnection({ authDir, makeSocket: makeBaileysSocket, log, events: { onQr } });
 * link.on('messages.upsert', (upsert) => ...);
 * await link.connect(); // resolves once connected
 */
export class WhatsAppConnection {
  readonly #options: WhatsAppConnectionOptions;
  readonly #listeners: Listener[] = [];
  #auth: { state: AuthenticationState; saveCreds: () => Promise<void> } | undefined;
  #socket: WhatsAppSocket | undefined;
  #detach: (() => void) | undefined;
  #open = false;
  #stopped = false;
  #drops = 0;
  #restarts = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #firstOpen: { resolve: () => void; reject: (error: Error) => void } | undefined;

  constructor(options: WhatsAppConnectionOptions) {
    this.#options = options;
  }

  /** Listens to a baileys event on every socket of this link (the current one and later ones). */
  on<E extends keyof BaileysEventMap>(event: E, fn: (arg: BaileysEventMap[E]) => void): void {
    const bound = listener(event, fn);
    this.#listeners.push(bound);
    if (this.#socket) bound.attach(this.#socket.ev);
  }

  /**
   * Loads the auth state and connects. Resolves when the connection first opens
   * (after the user linked the device, when it was not linked); rejects with a
   * fatal `AdapterError` when WhatsApp refuses the session, or when `stop` is
   * called first. Drops before the first open are retried with backoff.
   */
  async connect(): Promise<void> {
    if (this.#socket || this.#timer || this.#stopped) {
      throw new GatewayError('GATEWAY_ERR_STATE', 'This WhatsApp link was already started');
    }
    await makePrivateDirAsync(this.#options.authDir);
    const auth = await useMultiFileAuthState(this.#options.authDir);
    if (this.#stopped) throw stoppedError();
    this.#auth = auth;
    const opened = new Promise<void>((resolve, reject) => {
      this.#firstOpen = { resolve, reject };
    });
    this.#createSocket();
    return opened;
  }

  /** The socket when the connection is open, else undefined. */
  openSocket(): WhatsAppSocket | undefined {
    return this.#open ? this.#socket : undefined;
  }

  /** Writes the credentials to the auth folder now. */
  async saveCreds(): Promise<void> {
    await this.#auth?.saveCreds();
  }

  /** Closes the socket and cancels any reconnect. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#settleFirstOpen(stoppedError());
    const socket = this.#socket;
    this.#dropSocket();
    if (socket) {
      try {
        await socket.end(undefined);
      } catch (error) {
        this.#options.log.debug({ err: String(error) }, 'whatsapp: the socket did not close cleanly');
      }
    }
    await this.saveCreds().catch(() => {});
  }

  #createSocket(): void {
    this.#timer = undefined;
    const auth = this.#auth;
    if (this.#stopped || !auth) return;
    const logger = baileysLogger(this.#options.log);
    let socket: WhatsAppSocket;
    try {
      socket = this.#options.makeSocket({
        auth: { creds: auth.state.creds, keys: makeCacheableSignalKeyStore(auth.state.keys, logger) },
        logger,
        markOnlineOnConnect: false,
        syncFullHistory: false,
        ...this.#options.socketConfig,
      });
    } catch (error) {
      this.#onClose(error);
      return;
    }
    let pairingRequested = false;
    const onCreds = () => {
      auth
        .saveCreds()
        .catch((error: unknown) =>
          this.#options.log.error({ err: String(error) }, 'whatsapp: cannot save the auth state'),
        );
    };
    const onUpdate = (update: BaileysEventMap['connection.update']) => {
      if (this.#socket !== socket) return;
      if (update.qr) {
        if (this.#options.pairingNumber && !auth.state.creds.registered) {
          if (!pairingRequested) {
            pairingRequested = true;
            this.#requestPairingCode(socket, update.qr);
          }
        } else {
          this.#options.events.onQr?.(update.qr);
        }
      }
      if (update.connection === 'open') this.#onOpen(socket);
      if (update.connection === 'close') this.#onClose(update.lastDisconnect?.error);
    };
    const all = [
      listener('creds.update', onCreds),
      listener('connection.update', onUpdate),
      ...this.#listeners,
    ];
    for (const bound of all) bound.attach(socket.ev);
    this.#detach = () => {
      for (const bound of all) bound.detach(socket.ev);
    };
    this.#socket = socket;
  }

  #requestPairingCode(socket: WhatsAppSocket, qr: string): void {
    const number = this.#options.pairingNumber as string;
    socket.requestPairingCode(number).then(
      (code) => {
        if (this.#socket === socket) this.#options.events.onPairingCode?.(code);
      },
      (error: unknown) => {
        if (this.#socket !== socket) return;
        this.#options.log.warn(
          { err: String(error) },
          'whatsapp: no pairing code for this number; showing the QR code instead',
        );
        this.#options.events.onQr?.(qr);
      },
    );
  }

  #onOpen(socket: WhatsAppSocket): void {
    this.#open = true;
    this.#drops = 0;
    this.#restarts = 0;
    this.#options.events.onOpen?.(socket);
    this.#settleFirstOpen();
  }

  #onClose(cause: unknown): void {
    const verdict = classifyClose(cause);
    this.#dropSocket();
    if (this.#stopped) return;
    const log = this.#options.log;
    if (verdict.action === 'restart' && this.#restarts < MAX_IMMEDIATE_RESTARTS) {
      this.#restarts += 1;
      log.info({ statusCode: verdict.statusCode }, 'whatsapp: restarting the connection as WhatsApp asked');
      this.#createSocket();
      return;
    }
    if (verdict.action === 'restart' || verdict.action === 'reconnect') {
      this.#drops += 1;
      const delayMs = reconnectDelayMs(this.#drops, this.#options.backoff ?? RECONNECT_BACKOFF);
      const error = new AdapterError(WHATSAPP_PLATFORM, `connection dropped: ${verdict.description}`, {
        retryable: true,
        reason: verdict.reason,
        cause,
      });
      this.#options.events.onDrop?.(error, delayMs);
      this.#timer = setTimeout(() => this.#createSocket(), delayMs);
      return;
    }
    const error = new AdapterError(WHATSAPP_PLATFORM, `${verdict.description}; link the device again`, {
      retryable: false,
      reason: verdict.reason,
      cause,
    });
    this.#stopped = true;
    this.#options.events.onFatal?.(error);
    this.#settleFirstOpen(error);
  }

  /** Forgets the current socket and stops listening to it. */
  #dropSocket(): void {
    this.#open = false;
    this.#detach?.();
    this.#detach = undefined;
    this.#socket = undefined;
  }

  #settleFirstOpen(error?: Error): void {
    const pending = this.#firstOpen;
    if (!pending) return;
    this.#firstOpen = undefined;
    if (error) pending.reject(error);
    else pending.resolve();
  }
}

function stoppedError(): GatewayError {
  return new GatewayError('GATEWAY_ERR_STATE', 'The WhatsApp link was stopped before it connected');
}
