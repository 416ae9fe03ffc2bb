/**
 * How long the WhatsApp adapter waits before reconnecting after a dropped
 * connection: exponential from one second up to a minute.
 */

/** Delays of the reconnect backoff. */
export interface BackoffOptions {
  /** Delay before the first reconnect. Default 1 s. */
  initialMs: number;
  /** Longest delay. Default 60 s. */
  maxMs: number;
}

/** Default reconnect backoff: 1 s, 2 s, 4 s, ... 60 s. */
export const RECONNECT_BACKOFF: BackoffOptions = { initialMs: 1_000, maxMs: 60_000 };

/**
 * Delay before reconnect number `attempt` (1 = the first after a drop).
 *
 * @example
 * reconnectDelayMs(1) // 1000
 * reconnectDelayMs(3) // 4000
 * reconnectDelayMs(20) // 60000
 */
export function reconnectDelayMs(attempt: number, options: BackoffOptions = RECONNECT_BACKOFF): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(options.maxMs, options.initialMs * 2 ** Math.min(exponent, 30));
}
