/**
 * The HTTP requests waiting for the gateway's answer, keyed by completion id
 * (the inbound message's `platformMessageId`). Several requests may wait for
 * one answer (a retried request with the same Idempotency-Key attaches to the
 * first one); the gateway's streamed deltas and final answer reach all of them.
 */
import type { CompletionUsage } from './completion-objects.ts';
import { type OpenAIProblem, replyTimedOut } from './openai-errors.ts';

/** How a waiting request ends. */
export type ReplyOutcome =
  | { kind: 'answer'; text: string; usage?: CompletionUsage }
  | { kind: 'problem'; problem: OpenAIProblem };

/** One HTTP request waiting for an answer (a JSON or a streaming response). */
export interface ReplyWaiter {
  /**
   * The gateway accepted the message: a streaming response starts its event
   * stream, first replaying the deltas that arrived before it attached.
   */
  accept(streamed: readonly string[]): void;
  /** A piece of the answer while the agent works. */
  delta(text: string): void;
  /** The final answer or an error; the waiter is detached afterwards. */
  settle(outcome: ReplyOutcome): void;
}

/** Options of `PendingReplies`. */
export interface PendingRepliesOptions {
  /** Milliseconds a request waits for its answer before it gets a 504. */
  timeoutMs: number;
  /** Called when an entry timed out (after its waiters got the 504). */
  onTimeout?: (id: string) => void;
  /** Called when a waiter threw (a broken socket); the other waiters are still served. */
  onWaiterError?: (id: string, error: unknown) => void;
}

interface PendingReply {
  accepted: boolean;
  /** Deltas streamed so far, replayed to streams that attach late. */
  deltas: string[];
  waiters: Set<ReplyWaiter>;
  timer: NodeJS.Timeout;
}

/**
 * The pending-request map of the API server.
 *
 * @example
 * const pending = new PendingReplies({ timeoutMs: 600_000 });
 * pending.open(id, waiter);
 * // ... ctx.ingest(message) resolved:
 * pending.accept(id);
 * // ... later, from adapter.send():
 * pending.settle(id, { kind: 'answer', text });
 */
export class PendingReplies {
  readonly #entries = new Map<string, PendingReply>();
  readonly #options: PendingRepliesOptions;

  constructor(options: PendingRepliesOptions) {
    this.#options = options;
  }

  /** Number of completion ids with at least one waiting request. */
  get size(): number {
    return this.#entries.size;
  }

  /** Whether a request is waiting for the answer of `id`. */
  isWaiting(id: string): boolean {
    return this.#entries.has(id);
  }

  /** Starts waiting for the answer of `id` (the message is about to be ingested). */
  open(id: string, waiter: ReplyWaiter): void {
    const existing = this.#entries.get(id);
    if (existing !== undefined) {
      this.attach(id, waiter);
      return;
    }
    const timer = setTimeout(() => this.#timeout(id), this.#options.timeoutMs);
    timer.unref();
    this.#entries.set(id, { accepted: false, deltas: [], waiters: new Set([waiter]), timer });
  }

  /**
   * Adds another request to the answer of `id`; false when nothing waits for it
   * anymore. A late streaming request gets the deltas streamed so far.
   */
  attach(id: string, waiter: ReplyWaiter): boolean {
    const entry = this.#entries.get(id);
    if (entry === undefined) return false;
    entry.waiters.add(waiter);
    if (entry.accepted) this.#call(id, () => waiter.accept(entry.deltas));
    return true;
  }

  /** Removes a request whose client went away; the entry ends with its last request. */
  detach(id: string, waiter: ReplyWaiter): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    entry.waiters.delete(waiter);
    if (entry.waiters.size === 0) this.#remove(id, entry);
  }

  /** The gateway durably accepted the message of `id`. */
  accept(id: string): void {
    const entry = this.#entries.get(id);
    if (entry === undefined || entry.accepted) return;
    entry.accepted = true;
    for (const waiter of [...entry.waiters]) this.#call(id, () => waiter.accept(entry.deltas));
  }

  /** Passes a streamed piece of the answer of `id` on; false when nothing waits for it. */
  delta(id: string, text: string): boolean {
    const entry = this.#entries.get(id);
    if (entry === undefined) return false;
    if (text === '') return true;
    entry.deltas.push(text);
    if (!entry.accepted) return true;
    for (const waiter of [...entry.waiters]) this.#call(id, () => waiter.delta(text));
    return true;
  }

  /** Ends every request waiting for `id` with `outcome`; false when nothing waited. */
  settle(id: string, outcome: ReplyOutcome): boolean {
    const entry = this.#entries.get(id);
    if (entry === undefined) return false;
    this.#remove(id, entry);
    for (const waiter of entry.waiters) this.#call(id, () => waiter.settle(outcome));
    return true;
  }

  /** Ends every waiting request (shutdown); returns how many completion ids were waiting. */
  settleAll(outcome: ReplyOutcome): number {
    const ids = [...this.#entries.keys()];
    for (const id of ids) this.settle(id, outcome);
    return ids.length;
  }

  #remove(id: string, entry: PendingReply): void {
    clearTimeout(entry.timer);
    if (this.#entries.get(id) === entry) this.#entries.delete(id);
  }

  #timeout(id: string): void {
    if (this.settle(id, { kind: 'problem', problem: replyTimedOut(this.#options.timeoutMs) })) {
      this.#options.onTimeout?.(id);
    }
  }

  #call(id: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#options.onWaiterError?.(id, error);
    }
  }
}
