/**
 * Long polling: `getUpdates` in a loop. An update is confirmed to Telegram
 * (by the next call's `offset`) only after it was handled, so nothing
 * accepted is lost when the gateway stops mid-batch. Failures back off
 * exponentially (1 s doubling to 60 s by default): a 409 Conflict, when a
 * second instance polls the same token, never turns into a retry storm.
 * Every failure is reported so the circuit breaker can count it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Update } from 'grammy/types';
import type { AdapterError } from '../../errors.ts';
import type { AdapterLogger } from '../contract.ts';
import { toAdapterError } from './telegram-errors.ts';

/** What the poller needs from the adapter. */
export interface LongPollerOptions {
  /** Calls `getUpdates`. */
  getUpdates(offset: number, timeoutSeconds: number, signal: AbortSignal): Promise<Update[]>;
  /** Handles one update; a rejection stops the batch and the update is fetched again after a backoff. */
  handle(update: Update): Promise<void>;
  /** A retryable failure the poller recovers from by itself. */
  onError(error: AdapterError): void;
  /** Polling works again after failures. */
  onHealthy(): void;
  /** A failure polling cannot recover from (bad token): polling stopped. */
  onFatal(error: AdapterError): void;
  log: AdapterLogger;
  timeoutSeconds: number;
  backoff: { initialMs: number; maxMs: number };
}

/** Shortest time an empty answer to a long poll should take; a faster one means the server does not wait. */
const EAGER_EMPTY_MS = 100;
/** Pause after such an eager empty answer, so a server that does not hold the request is not hammered. */
const EAGER_EMPTY_PAUSE_MS = 250;

/**
 * The polling loop.
 *
 * @example
 * const poller = new LongPoller({ getUpdates, handle, onError, onHealthy, onFatal, log, timeoutSeconds: 30, backoff });
 * poller.start();
 * await poller.stop();
 */
export class LongPoller {
  readonly #options: LongPollerOptions;
  readonly #abort = new AbortController();
  #loop: Promise<void> | undefined;
  /** Next update id to ask for: every update below it was handled. */
  #offset = 0;
  /** Whether `#offset` moved since Telegram last saw it. */
  #unconfirmed = false;

  constructor(options: LongPollerOptions) {
    this.#options = options;
  }

  /** The offset handled so far (what the next `getUpdates` confirms). */
  get offset(): number {
    return this.#offset;
  }

  /** Whether some handled updates were not yet confirmed to Telegram. */
  get unconfirmed(): boolean {
    return this.#unconfirmed;
  }

  start(): void {
    this.#loop ??= this.#run().catch((error) =>
      this.#options.log.error({ err: String(error) }, 'telegram: polling loop ended unexpectedly'),
    );
  }

  /** Ends the loop (an in-flight long poll is aborted) and waits for it. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const o = this.#options;
    const signal = this.#abort.signal;
    let failures = 0;
    while (!signal.aborted) {
      const began = Date.now();
      let updates: Update[];
      try {
        updates = await o.getUpdates(this.#offset, o.timeoutSeconds, signal);
        this.#unconfirmed = false;
      } catch (thrown) {
        if (signal.aborted) return;
        const error = toAdapterError(thrown, 'getUpdates');
        if (!error.retryable) {
          o.log.error({ err: error.message }, 'telegram: polling stopped');
          o.onFatal(error);
          return;
        }
        const waitMs = error.retryAfterMs ?? backoffMs(failures, o.backoff);
        failures += 1;
        o.log.warn({ err: error.message, failures, waitMs }, 'telegram: polling failed; backing off');
        o.onError(error);
        await pause(waitMs, signal);
        continue;
      }
      if (failures > 0) {
        failures = 0;
        o.log.info({}, 'telegram: polling works again');
        o.onHealthy();
      }
      for (const update of updates) {
        if (signal.aborted) return;
        try {
          await o.handle(update);
        } catch (error) {
          const waitMs = backoffMs(failures, o.backoff);
          failures += 1;
          o.log.error(
            { err: String(error), updateId: update.update_id, waitMs },
            'telegram: an update could not be accepted; it will be fetched again',
          );
          await pause(waitMs, signal);
          break;
        }
        this.#offset = update.update_id + 1;
        this.#unconfirmed = true;
      }
      if (updates.length === 0 && Date.now() - began < EAGER_EMPTY_MS) {
        await pause(EAGER_EMPTY_PAUSE_MS, signal);
      }
    }
  }
}

/** The wait before retry number `failures` (0-based): `initialMs` doubling up to `maxMs`. */
export function backoffMs(failures: number, backoff: { initialMs: number; maxMs: number }): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(failures, 30));
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    // aborted: the loop checks the signal
  }
}
