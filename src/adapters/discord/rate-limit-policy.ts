/**
 * How long the Discord REST client may hold a request on a rate limit before
 * the send fails with a retryable error. discord.js waits out every rate limit
 * by itself and retries for as long as Discord keeps answering 429; here a
 * short wait is absorbed (the reply simply arrives a little later), while a
 * long wait or a route that keeps being limited ends the request with
 * `RateLimitError`, which the adapter turns into a retryable `AdapterError`
 * carrying `retryAfterMs` so the outbox retries it later.
 */
import type { RateLimitData } from 'discord.js';

/** Limits of the rate-limit filter. */
export interface RateLimitPolicyOptions {
  /** Longest single wait accepted, in milliseconds; a longer one fails at once. */
  maxWaitMs: number;
  /** Waits accepted on one route within `windowMs`; one more fails. */
  maxWaitsPerRoute: number;
  /** The window in which waits on a route are counted, in milliseconds. */
  windowMs: number;
  /** The clock (tests). */
  now?: () => number;
}

/** Default limits: waits up to 5 s are absorbed, at most 3 waits per route a minute. */
export const DEFAULT_RATE_LIMIT_POLICY: RateLimitPolicyOptions = {
  maxWaitMs: 5_000,
  maxWaitsPerRoute: 3,
  windowMs: 60_000,
};

/** How long a rate limit asks the client to wait, in milliseconds. */
export function rateLimitWaitMs(data: Pick<RateLimitData, 'retryAfter' | 'timeToReset' | 'sublimitTimeout'>) {
  return Math.max(0, data.retryAfter, data.timeToReset, data.sublimitTimeout);
}

/**
 * Builds the `rest.rejectOnRateLimit` filter of the discord.js client: true
 * means "fail this request now with a RateLimitError", false "wait and retry".
 *
 * @example
 * new Client({ intents, rest: { rejectOnRateLimit: createRateLimitFilter(DEFAULT_RATE_LIMIT_POLICY) } });
 */
export function createRateLimitFilter(options: RateLimitPolicyOptions): (data: RateLimitData) => boolean {
  const now = options.now ?? Date.now;
  const waits = new Map<string, number[]>();
  return (data) => {
    if (rateLimitWaitMs(data) > options.maxWaitMs) return true;
    const at = now();
    const key = `${data.method.toUpperCase()} ${data.route}`;
    const recent = (waits.get(key) ?? []).filter((t) => at - t < options.windowMs);
    recent.push(at);
    waits.set(key, recent);
    if (waits.size > 1000) forgetOld(waits, at, options.windowMs);
    return recent.length > options.maxWaitsPerRoute;
  };
}

function forgetOld(waits: Map<string, number[]>, at: number, windowMs: number): void {
  for (const [key, times] of waits) {
    if (times.every((t) => at - t >= windowMs)) waits.delete(key);
  }
}
