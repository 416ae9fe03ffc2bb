/**
 * Watching INBOX over IMAP: IDLE pushes new mail as it arrives (imapflow's
 * `exists` event), a timer checks again every `pollSeconds` (the fallback when
 * the server lacks IDLE or an IDLE session silently died), and a dropped
 * connection is reported and re-opened with exponential backoff.
 *
 * Where it starts: on the first start (no saved position for this mailbox) the
 * mail already in INBOX is left alone, read or not, and only mail that arrives
 * from then on is answered. Later starts continue after the last processed UID
 * and answer the unseen mail that came while the gateway was down.
 */
import { ImapFlow, type ImapFlowError } from 'imapflow';
import { AdapterError } from '../../errors.ts';
import type { AdapterLogger } from '../contract.ts';
import { type Failure, failureError } from '../kit/index.ts';
import { EMAIL_PLATFORM, type EmailServerOptions } from './email-options.ts';
import type { EmailState } from './email-state.ts';
import { imapClientOptions } from './imap-client-options.ts';

/** What the handler did with a mail: `ingested` ones are marked \Seen. */
export type MailOutcome = 'ingested' | 'skipped';

/** Options of `ImapInbox`. */
export interface ImapInboxOptions {
  server: EmailServerOptions;
  user: string;
  password: string;
  pollSeconds: number;
  reconnectDelayMs: { initial: number; max: number };
  state: EmailState;
  log: AdapterLogger;
  /** Handles one new mail (raw RFC 822); a throw leaves it for the next check. */
  onMail(source: Buffer, uid: number): Promise<MailOutcome>;
  /** A failure the inbox recovers from (retryable) or cannot (fatal). */
  onError(error: AdapterError): void;
  /** The connection works again after a failure. */
  onHealthy(): void;
}

/** Milliseconds of quiet before imapflow (re)enters IDLE after a command. */
const IDLE_AFTER_MS = 300;

/** The IMAP side of the email adapter. */
export class ImapInbox {
  readonly #o: ImapInboxOptions;
  #client: ImapFlow | undefined;
  #uidValidity = '';
  #lastUid = 0;
  #stopping = false;
  #pollTimer: NodeJS.Timeout | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #attempt = 0;
  #checking: Promise<void> | undefined;
  #again = false;

  constructor(options: ImapInboxOptions) {
    this.#o = options;
  }

  /** Whether the server announced IDLE (push) on the current connection. */
  get idle(): boolean {
    return this.#client?.capabilities.has('IDLE') ?? false;
  }

  /** Connects, selects INBOX and starts watching. Throws `AdapterError` (fatal for a refused login). */
  async start(): Promise<void> {
    this.#stopping = false;
    await this.#connect();
    this.#pollTimer = setInterval(() => void this.check(), this.#o.pollSeconds * 1000);
  }

  /** Logs out and stops every timer. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#pollTimer);
    clearTimeout(this.#reconnectTimer);
    const client = this.#client;
    this.#client = undefined;
    await this.#checking?.catch(() => {});
    if (client) await logout(client);
  }

  /** Looks for new mail now (coalesces calls while a check runs). */
  check(): Promise<void> {
    if (this.#checking) {
      this.#again = true;
      return this.#checking;
    }
    this.#checking = (async () => {
      do {
        this.#again = false;
        await this.#drain();
      } while (this.#again && !this.#stopping);
    })()
      .catch((error) => {
        if (!this.#stopping) this.#o.log.warn({ err: String(error) }, 'Email inbox check failed; will retry');
      })
      .finally(() => {
        this.#checking = undefined;
      });
    return this.#checking;
  }

  /**
   * The raw source of a mail in INBOX with that Message-ID (to recover a
   * thread's subject and references after a restart), if it is there.
   */
  async findByMessageId(messageId: string): Promise<Buffer | undefined> {
    const client = this.#client;
    if (!client?.usable) return undefined;
    const lock = await client.getMailboxLock('INBOX');
    try {
      const uids = await client.search({ header: { 'message-id': messageId } }, { uid: true });
      const uid = uids ? uids.at(-1) : undefined;
      if (uid === undefined) return undefined;
      const found = await client.fetchOne(String(uid), { source: true }, { uid: true });
      return found ? found.source : undefined;
    } finally {
      lock.release();
    }
  }

  async #connect(): Promise<void> {
    const client = new ImapFlow(
      imapClientOptions(this.#o.server, this.#o.user, this.#o.password, {
        autoIdleDelay: IDLE_AFTER_MS,
        // IDLE is renewed well before servers drop quiet sessions (RFC 9051: 29 minutes)
        maxIdleTime: 10 * 60_000,
      }),
    );
    client.on('error', (error) => this.#o.log.debug({ err: String(error) }, 'IMAP connection error'));
    try {
      await client.connect();
      const box = await client.mailboxOpen('INBOX');
      this.#uidValidity = String(box.uidValidity);
      const saved = this.#o.state.lastUid(this.#uidValidity);
      this.#lastUid = saved ?? Math.max(0, box.uidNext - 1);
      if (saved === undefined) this.#o.state.setLastUid(this.#uidValidity, this.#lastUid);
    } catch (error) {
      client.close();
      throw imapFailure(error);
    }
    client.on('exists', () => void this.check());
    client.on('close', () => this.#onClose(client));
    this.#client = client;
    this.#o.log.info(
      { host: this.#o.server.host, push: client.capabilities.has('IDLE'), pollSeconds: this.#o.pollSeconds },
      client.capabilities.has('IDLE')
        ? 'Email inbox connected (IDLE push)'
        : 'Email inbox connected (server has no IDLE: polling)',
    );
    await this.check();
  }

  /** Processes every unseen mail after the last processed UID, oldest first. */
  async #drain(): Promise<void> {
    const client = this.#client;
    if (!client?.usable) return;
    const found = await client.search({ uid: `${this.#lastUid + 1}:*`, seen: false }, { uid: true });
    if (!found) throw new Error('IMAP SEARCH failed');
    const uids = found.filter((uid) => uid > this.#lastUid).sort((a, b) => a - b);
    for (const uid of uids) {
      if (this.#stopping || this.#client !== client) return;
      const mail = await client.fetchOne(String(uid), { source: true, uid: true }, { uid: true });
      if (mail !== false && mail.source) {
        const outcome = await this.#o.onMail(mail.source, uid);
        if (outcome === 'ingested') await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
      }
      this.#lastUid = uid;
      this.#o.state.setLastUid(this.#uidValidity, uid);
    }
  }

  #onClose(client: ImapFlow): void {
    if (this.#stopping || this.#client !== client) return;
    this.#client = undefined;
    this.#o.onError(
      failureError(
        EMAIL_PLATFORM,
        { reason: 'connection_lost', message: 'IMAP connection closed; reconnecting' },
        'read mail',
      ),
    );
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    const { initial, max } = this.#o.reconnectDelayMs;
    const delay = Math.min(max, initial * 2 ** this.#attempt);
    this.#attempt++;
    this.#o.log.info({ delayMs: delay, attempt: this.#attempt }, 'Reconnecting to the email inbox');
    this.#reconnectTimer = setTimeout(async () => {
      if (this.#stopping) return;
      try {
        await this.#connect();
        if (this.#stopping) {
          await logout(this.#client);
          return;
        }
        this.#attempt = 0;
        this.#o.onHealthy();
      } catch (error) {
        if (this.#stopping) return;
        const failure = error instanceof AdapterError ? error : imapFailure(error);
        this.#o.onError(failure);
        if (failure.retryable) this.#scheduleReconnect();
      }
    }, delay);
  }
}

/** Logs out, or just closes when the server does not answer. */
async function logout(client: ImapFlow | undefined): Promise<void> {
  if (!client) return;
  try {
    await Promise.race([client.logout(), new Promise((r) => setTimeout(r, 2_000).unref())]);
  } catch {
    // already gone
  }
  client.close();
}

/**
 * The `AdapterError` for an IMAP failure: a refused login needs the operator, anything else is retried.
 *
 * @example
 * imapFailure({ authenticationFailed: true }).retryable // false
 */
export function imapFailure(error: unknown): AdapterError {
  const e = error as ImapFlowError;
  const detail = e.responseText ?? e.message ?? String(error);
  const failure: Failure =
    e.authenticationFailed || e.serverResponseCode === 'AUTHENTICATIONFAILED'
      ? { reason: 'unauthorized', message: `IMAP login refused: ${detail}`, hint: 'check EMAIL_PASSWORD' }
      : { reason: 'network', message: `IMAP connection failed: ${detail}` };
  return failureError(EMAIL_PLATFORM, failure, 'read mail', error);
}
