/**
 * The durable scheduler: timers that survive a restart. Timers live in the
 * store; the scheduler keeps one in-process timeout for the earliest, delivers
 * each due timer's event to its actor, then deletes the row. At start it re-arms
 * from the table, so a timer that fell due while the gateway was down fires at
 * once. Delivery is at least once (a crash between delivery and deletion fires
 * it again), so the events it carries are idempotent for the machines. A timer
 * whose actor cannot take events for a moment (its supervisor is restarting it:
 * `GATEWAY_ERR_STATE`) is tried again after `retryMs`; any other failed delivery
 * keeps its row for the next start.
 */

import { GatewayError } from '../errors.ts';
import { errorText, type RuntimeLogger } from '../log/runtime-logger.ts';
import type { Store, TimerRow } from '../persistence/store.ts';

/** Longest delay one `setTimeout` can wait. */
const MAX_DELAY = 2_147_483_647;

/** What the scheduler needs from the runtime. */
export interface DurableSchedulerDeps {
  store: Store;
  /** Delivers a due timer's event to its actor. */
  deliver: (actorId: string, event: TimerRow['event']) => Promise<void>;
  now: () => number;
  log: RuntimeLogger;
  /** Delay before a delivery refused with `GATEWAY_ERR_STATE` is tried again (default 1000 ms). */
  retryMs?: number;
}

/**
 * Durable timers.
 *
 * @example
 * await scheduler.set({ key: 'auto-resume:api:1', actorId: 'api:1', event: { type: 'AUTO_RESUME.EXPIRED' }, dueAt: Date.now() + 86_400_000 });
 */
export class DurableScheduler {
  readonly #deps: DurableSchedulerDeps;
  readonly #timers = new Map<string, TimerRow>();
  #timeout: NodeJS.Timeout | undefined;
  #running = false;
  #firing: Promise<void> = Promise.resolve();

  constructor(deps: DurableSchedulerDeps) {
    this.#deps = deps;
  }

  /** Loads every timer from the store and arms the earliest. */
  async start(): Promise<void> {
    this.#running = true;
    for (const t of await this.#deps.store.timers.list()) this.#timers.set(t.key, t);
    this.#arm();
  }

  /** Sets (or replaces) a timer; resolves after it is durable. */
  async set(timer: TimerRow): Promise<void> {
    await this.#deps.store.timers.set(timer);
    this.#timers.set(timer.key, timer);
    this.#arm();
  }

  /** Cancels a timer by key. */
  async cancel(key: string): Promise<void> {
    this.#timers.delete(key);
    await this.#deps.store.timers.cancel(key);
    this.#arm();
  }

  /** Timers currently armed, earliest first. */
  pending(): TimerRow[] {
    return [...this.#timers.values()].sort((a, b) => a.dueAt - b.dueAt);
  }

  /** Stops the in-process timeout (rows stay for the next start). */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timeout) clearTimeout(this.#timeout);
    await this.#firing;
  }

  #arm(): void {
    if (this.#timeout) clearTimeout(this.#timeout);
    this.#timeout = undefined;
    if (!this.#running) return;
    const next = this.pending()[0];
    if (!next) return;
    const delay = Math.min(MAX_DELAY, Math.max(0, next.dueAt - this.#deps.now()));
    this.#timeout = setTimeout(() => {
      this.#firing = this.#fireDue();
    }, delay);
    this.#timeout.unref();
  }

  async #fireDue(): Promise<void> {
    const now = this.#deps.now();
    for (const timer of this.pending()) {
      if (timer.dueAt > now || !this.#running) break;
      this.#timers.delete(timer.key);
      try {
        await this.#deps.deliver(timer.actorId, timer.event);
        await this.#deps.store.timers.cancel(timer.key);
      } catch (error) {
        if (error instanceof GatewayError && error.code === 'GATEWAY_ERR_STATE') {
          // the actor's host is restarting: the timer stays armed (its row is unchanged)
          const retryMs = this.#deps.retryMs ?? 1_000;
          if (!this.#timers.has(timer.key)) this.#timers.set(timer.key, { ...timer, dueAt: now + retryMs });
          this.#deps.log.warn(
            { key: timer.key, retryMs, err: errorText(error) },
            'A timer could not be delivered yet; trying again',
          );
          continue;
        }
        this.#deps.log.error(
          { key: timer.key, err: errorText(error) },
          'Delivering a timer failed; it stays for the next start',
        );
      }
    }
    this.#arm();
  }
}
