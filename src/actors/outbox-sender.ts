/**
 * The outbox sender: delivers committed replies through their adapters.
 *
 * A row goes `pending → sending → sent | failed`. The `sending` mark is committed
 * before the adapter is called, so after a crash a row still `sending` is known
 * to have an unknown outcome: it becomes `unknown_after_send` and is reconciled
 * where the adapter can check; it is never resent blindly. `pending` rows are
 * (re)sent at start. When a platform is up, a scan reconciles its unknown
 * rows, then each chat with pending replies gets a lane that sends them in
 * order; lanes run in parallel, so a slow chat or platform never delays another.
 *
 * A streamed reply (`editsMessage`) is finished by editing the message the user
 * already sees; the row stays `pending` while it is edited (an edit can be
 * redone after a crash), and only parts that did not fit are sent as new
 * messages under the `sending` mark. Where a platform cannot be asked whether
 * an unknown send arrived, the chat is told once that a reply may be missing
 * and that `/retry` asks again; the row is then `failed`.
 */
import type { Adapter, OutboundMessage, SendResult } from '../adapters/contract.ts';
import { AdapterError } from '../errors.ts';
import { errorText, type RuntimeLogger } from '../log/runtime-logger.ts';
import type { OutboxRow, Store } from '../persistence/store.ts';
import { textParts } from './text-parts.ts';

/** Told in a chat once when a reply's delivery is unknown and the platform cannot be asked. */
export const MAYBE_MISSING_NOTICE =
  '⚠️ A reply here may be missing: the gateway stopped while sending it and cannot tell whether it arrived. Send /retry to ask again.';

/** Idempotency key prefixes of replies whose loss is not worth a notice (acknowledgements, the notices themselves). */
const NO_NOTICE_PREFIXES = ['unknown:', 'ack:'];

/** What the sender needs from the runtime. */
export interface OutboxSenderDeps {
  store: Store;
  adapters: ReadonlyMap<string, Adapter>;
  /** Whether an adapter is connected and may send now. */
  isUp: (platform: string) => boolean;
  log: RuntimeLogger;
  /** Retryable failures are tried this many times in all (default 5). */
  maxAttempts?: number;
  /** First retry delay in ms, doubled each attempt (default 1000). */
  retryBaseMs?: number;
  /** Called after each row reaches a final state. */
  onSettled?: (row: OutboxRow) => void;
  /** Told about every failed send attempt (the platform's circuit breaker counts retryable ones). */
  onSendError?: (platform: string, error: unknown) => void;
}

/**
 * Sends the outbox.
 *
 * @example
 * const sender = new OutboxSender({ store, adapters, isUp: () => true, log });
 * await sender.start();   // recovers in-flight rows, reconciles, sends pending
 * sender.notify();        // after new rows committed
 */
export class OutboxSender {
  readonly #deps: OutboxSenderDeps;
  /** Platform scans in progress. */
  readonly #loops = new Map<string, Promise<void>>();
  /** Chat lanes in progress, keyed by platform and session. */
  readonly #lanes = new Map<string, Promise<void>>();
  readonly #dirtyLanes = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  /** Row id → epoch ms before which a retried row is not sent again. */
  readonly #notBefore = new Map<number, number>();
  /** Row id → failed attempts of a row retried while still `pending` (a streamed message's edit). */
  readonly #editAttempts = new Map<number, number>();
  #running = false;

  constructor(deps: OutboxSenderDeps) {
    this.#deps = deps;
  }

  /** Marks rows a crash left `sending` as unknown, then wakes the loops (each reconciles, then sends). */
  async start(): Promise<void> {
    this.#running = true;
    const recovered = await this.#deps.store.outbox.recoverInFlight();
    if (recovered) {
      this.#deps.log.warn(
        { count: recovered },
        'Replies whose send a crash interrupted are marked unknown_after_send',
      );
    }
    this.notify();
  }

  /**
   * Checks the platform's `unknown_after_send` rows with its adapter: delivered
   * → sent; not delivered → pending again (sent once more, knowingly). Rows of
   * adapters that cannot check stay for the operator (logged once).
   */
  async #reconcile(platform: string, adapter: Adapter): Promise<void> {
    const unknown = await this.#deps.store.outbox.listByStatus(['unknown_after_send'], platform);
    for (const row of unknown) {
      if (!adapter.capabilities.reconcile || !adapter.reconcile) {
        await this.#tellMaybeMissing(adapter, row);
        continue;
      }
      try {
        const result = await adapter.reconcile(row.message);
        if (result.delivered) await this.#deps.store.outbox.markSent(row.id, result.platformMessageId);
        else await this.#deps.store.outbox.markRetry(row.id, 'not delivered (reconciled)');
      } catch (error) {
        this.#deps.log.warn({ outboxId: row.id, err: errorText(error) }, 'Reconciling a reply failed');
      }
    }
  }

  /**
   * A reply whose delivery is unknown on a platform that cannot be checked: never resent; the
   * chat is told once (a headless client has no chat to tell). The row becomes `failed`.
   */
  async #tellMaybeMissing(adapter: Adapter, row: OutboxRow): Promise<void> {
    const { store, log } = this.#deps;
    const tell =
      !adapter.capabilities.headless && !NO_NOTICE_PREFIXES.some((p) => row.idempotencyKey.startsWith(p));
    log.warn(
      { outboxId: row.id, platform: row.platform, idempotencyKey: row.idempotencyKey, told: tell },
      'Reply outcome unknown and the platform cannot be checked: not resent',
    );
    if (tell) {
      const m = row.message;
      await store.outbox.enqueue(row.platform, {
        chatId: m.chatId,
        chatType: m.chatType,
        ...(m.threadId ? { threadId: m.threadId } : {}),
        text: MAYBE_MISSING_NOTICE,
        inReplyTo: m.inReplyTo,
        idempotencyKey: `unknown:${row.idempotencyKey}`,
        sessionKey: row.sessionKey,
      });
    }
    const error = tell ? 'delivery unknown; the chat was told' : 'delivery unknown';
    await store.outbox.markFailed(row.id, error);
    this.#deps.onSettled?.({ ...row, status: 'failed', lastError: error });
  }

  /** Wakes the loops: new rows were committed or an adapter came up. */
  notify(platform?: string): void {
    if (!this.#running) return;
    const platforms = platform ? [platform] : [...this.#deps.adapters.keys()];
    for (const p of platforms) this.#kick(p);
  }

  /** Whether a platform scan or a chat lane is reconciling or sending right now. */
  get busy(): boolean {
    return this.#loops.size > 0 || this.#lanes.size > 0;
  }

  /** Waits until every scan and lane is idle (or the timeout passed). */
  async idle(timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.busy && Date.now() < deadline) {
      await Promise.race([
        Promise.all([...this.#loops.values(), ...this.#lanes.values()]),
        new Promise((r) => setTimeout(r, 50)),
      ]);
    }
  }

  /** Stops sending after the current sends finish (up to the timeout). */
  async stop(timeoutMs = 5_000): Promise<void> {
    await this.idle(timeoutMs);
    this.#running = false;
    for (const t of this.#retryTimers) clearTimeout(t);
    this.#retryTimers.clear();
    // the rows stay pending in the store: the next start sends them without waiting
    this.#notBefore.clear();
    this.#editAttempts.clear();
  }

  /**
   * How many entries the sender's in-memory structures hold. Each entry goes when its row or
   * lane is done, so these stay bounded by the rows in flight, not by the rows ever sent.
   */
  sizes(): { loops: number; lanes: number; retryTimers: number; notBefore: number; editAttempts: number } {
    return {
      loops: this.#loops.size,
      lanes: this.#lanes.size,
      retryTimers: this.#retryTimers.size,
      notBefore: this.#notBefore.size,
      editAttempts: this.#editAttempts.size,
    };
  }

  #kick(platform: string): void {
    if (this.#loops.has(platform)) {
      this.#dirty.add(platform);
      return;
    }
    const scan = this.#scanPlatform(platform)
      .catch((error) => this.#deps.log.error({ platform, err: errorText(error) }, 'Outbox scan failed'))
      .finally(() => {
        this.#loops.delete(platform);
        if (this.#dirty.delete(platform)) this.#kick(platform);
      });
    this.#loops.set(platform, scan);
  }

  /** Reconciles the platform's unknown rows, then starts a lane for every chat with pending replies. */
  async #scanPlatform(platform: string): Promise<void> {
    if (!this.#running || !this.#deps.isUp(platform)) return;
    const adapter = this.#deps.adapters.get(platform);
    if (!adapter) return;
    await this.#reconcile(platform, adapter);
    const rows = await this.#deps.store.outbox.listByStatus(['pending'], platform);
    const chats = new Set(rows.map((r) => r.sessionKey));
    for (const sessionKey of chats) this.#startLane(platform, sessionKey, adapter);
  }

  /**
   * One lane per chat: its replies go out one after another, in order, while
   * other chats' lanes send in parallel (a hanging chat never holds up another).
   */
  #startLane(platform: string, sessionKey: string, adapter: Adapter): void {
    const key = `${platform}\u0000${sessionKey}`;
    if (this.#lanes.has(key)) {
      this.#dirtyLanes.add(key);
      return;
    }
    const lane = (async () => {
      do {
        this.#dirtyLanes.delete(key);
        const rows = await this.#deps.store.outbox.listByStatus(['pending'], platform, sessionKey);
        for (const row of rows) {
          if (!this.#running || !this.#deps.isUp(platform)) return;
          if ((this.#notBefore.get(row.id) ?? 0) > Date.now()) continue;
          this.#notBefore.delete(row.id);
          await this.#sendOne(adapter, row);
        }
      } while (this.#dirtyLanes.has(key));
    })()
      .catch((error) =>
        this.#deps.log.error({ platform, sessionKey, err: errorText(error) }, 'Outbox lane failed'),
      )
      .finally(() => {
        this.#lanes.delete(key);
        // a wake-up that came after the last look at the rows starts the lane again
        if (this.#dirtyLanes.delete(key)) this.#startLane(platform, sessionKey, adapter);
      });
    this.#lanes.set(key, lane);
  }

  /**
   * Delivers a row: a plain reply is sent under the `sending` mark; a streamed one edits its
   * message first (still `pending`: an edit can be redone) and sends what did not fit.
   */
  async #deliver(adapter: Adapter, row: OutboxRow): Promise<SendResult> {
    const { store } = this.#deps;
    const { editsMessage, draft: _draft, progressMessages: _progress, ...message } = row.message;
    if (editsMessage === undefined || !adapter.edit) {
      await store.outbox.markSending(row.id);
      return adapter.send(message);
    }
    const [first, ...rest] = textParts(adapter, message.text);
    if (first !== undefined) await adapter.edit({ ...chatOf(message), messageId: editsMessage }, first);
    const ids = [editsMessage];
    if (rest.length === 0 && !message.attachments?.length) return { platformMessageId: editsMessage };
    // what did not fit goes out as new messages, the files with the last one
    await store.outbox.markSending(row.id);
    const { attachments, ...text } = message;
    const sends = rest.length > 0 ? rest : [''];
    for (const [i, part] of sends.entries()) {
      const last = i === sends.length - 1;
      const more = await adapter.send({
        ...text,
        text: part,
        inReplyTo: [],
        ...(last && attachments ? { attachments } : {}),
      });
      ids.push(...(more.platformMessageIds ?? (more.platformMessageId ? [more.platformMessageId] : [])));
    }
    return { platformMessageId: ids.at(-1), platformMessageIds: ids };
  }

  async #sendOne(adapter: Adapter, row: OutboxRow): Promise<void> {
    const { store, log } = this.#deps;
    try {
      const result = await this.#deliver(adapter, row);
      this.#editAttempts.delete(row.id);
      this.#notBefore.delete(row.id);
      await store.outbox.markSent(row.id, result.platformMessageId);
      this.#deps.onSettled?.({ ...row, status: 'sent', platformMessageId: result.platformMessageId ?? null });
    } catch (error) {
      this.#deps.onSendError?.(row.platform, error);
      // an edit of a streamed message is tried without the `sending` mark: its attempts are counted here
      const attempts = Math.max(row.attempts, this.#editAttempts.get(row.id) ?? 0) + 1;
      this.#editAttempts.set(row.id, attempts);
      const retryable = error instanceof AdapterError && error.retryable;
      const max = this.#deps.maxAttempts ?? 5;
      if (retryable && attempts < max) {
        await store.outbox.markRetry(row.id, errorText(error));
        const base = this.#deps.retryBaseMs ?? 1_000;
        const delay = Math.max(error.retryAfterMs ?? 0, base * 2 ** (attempts - 1));
        this.#notBefore.set(row.id, Date.now() + delay);
        log.warn(
          { outboxId: row.id, platform: row.platform, attempts, delay, err: errorText(error) },
          'Send failed; will retry',
        );
        const timer = setTimeout(() => {
          this.#retryTimers.delete(timer);
          // the timer decides when the retry is due (the wall clock may lag the timer by a tick)
          this.#notBefore.delete(row.id);
          this.notify(row.platform);
        }, delay);
        timer.unref();
        this.#retryTimers.add(timer);
      } else {
        this.#editAttempts.delete(row.id);
        this.#notBefore.delete(row.id);
        await store.outbox.markFailed(row.id, errorText(error));
        log.error(
          { outboxId: row.id, platform: row.platform, attempts, err: errorText(error) },
          'Reply could not be delivered',
        );
        this.#deps.onSettled?.({ ...row, status: 'failed', lastError: errorText(error) });
      }
    }
  }
}

/** The conversation of a reply. */
function chatOf(message: OutboundMessage) {
  return {
    chatId: message.chatId,
    chatType: message.chatType,
    ...(message.threadId ? { threadId: message.threadId } : {}),
  };
}
