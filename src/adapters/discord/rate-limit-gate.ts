/**
 * Remembers the rate limits that made a request fail, so later requests to the
 * same channel (or to any channel, for a global limit) fail at once with a
 * retryable error instead of entering discord.js's queue, where they would
 * only start another long wait (and a timer that outlives `stop`).
 */
import { RateLimitError } from 'discord.js';
import { AdapterError } from '../../errors.ts';
import { DISCORD_PLATFORM } from './discord-errors.ts';
import { rateLimitWaitMs } from './rate-limit-policy.ts';

/** Rate limits in force, globally and per channel. */
export class RateLimitGate {
  readonly #now: () => number;
  #globalUntil = 0;
  readonly #channelUntil = new Map<string, number>();

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Throws a retryable `AdapterError` while a limit on `channelId` (or a global one) lasts. */
  check(channelId: string): void {
    const now = this.#now();
    const until = Math.max(this.#globalUntil, this.#channelUntil.get(channelId) ?? 0);
    if (until <= now) {
      this.#channelUntil.delete(channelId);
      return;
    }
    throw new AdapterError(DISCORD_PLATFORM, `rate limited for another ${until - now} ms`, {
      retryable: true,
      retryAfterMs: until - now,
      reason: 'rate_limited',
    });
  }

  /** Records the limit behind `error` when it is a rate limit. */
  note(error: unknown, channelId: string): void {
    if (!(error instanceof RateLimitError)) return;
    const until = this.#now() + rateLimitWaitMs(error);
    if (error.global) this.#globalUntil = Math.max(this.#globalUntil, until);
    else this.#channelUntil.set(channelId, Math.max(this.#channelUntil.get(channelId) ?? 0, until));
  }
}
