/**
 * What can go wrong on a platform, as one closed set of reasons. A wire's
 * classifier names the reason of each error it sees; the kit, not the adapter,
 * decides whether the reason is retryable and what the gateway's breaker is told.
 */
import { AdapterError } from '../../errors.ts';

/** Why a platform call or link failed. */
export type FailureReason =
  /** The platform asked us to slow down (429); `retryAfterMs` when it said how long. */
  | 'rate_limited'
  /** The token or password is wrong, revoked or expired: the whole platform is down until the operator acts. */
  | 'unauthorized'
  /** The session was logged out on the platform (WhatsApp unlinked): the operator must link again. */
  | 'logged_out'
  /** This chat refused us (blocked the bot, bot removed, missing permission in that chat). */
  | 'forbidden'
  /** The network below HTTP failed (refused, reset, DNS, timeout). */
  | 'network'
  /** The platform answered 5xx or said it is in trouble. */
  | 'upstream_5xx'
  /** A live link (websocket, long poll) dropped; the wire reconnects. */
  | 'connection_lost'
  /** Another instance holds the connection (Telegram 409). */
  | 'conflict'
  /** The platform refused the request as malformed. */
  | 'bad_request'
  /** The chat, message or file does not exist (any more). */
  | 'not_found'
  /** The message or file is over the platform's (or the gateway's) size limit. */
  | 'too_large'
  /** The adapter is not connected. */
  | 'not_connected'
  /** Nothing above fits. */
  | 'unknown';

/** A classified failure: what a wire's classifier returns. */
export interface Failure {
  reason: FailureReason;
  /** What happened, for the operator (the kit prefixes the platform and the action). */
  message?: string;
  /** Milliseconds the platform asked us to wait. */
  retryAfterMs?: number;
  /** The platform's own code (`token_revoked`, `bot_blocked`, `http_503`), kept for logs and tests. */
  code?: string;
  /** What the operator should do, appended to the message (`check SLACK_BOT_TOKEN`). */
  hint?: string;
}

/** Whether trying again may help, per reason: decided here once for every platform. */
export const RETRYABLE: Readonly<Record<FailureReason, boolean>> = {
  rate_limited: true,
  unauthorized: false,
  logged_out: false,
  forbidden: false,
  network: true,
  upstream_5xx: true,
  connection_lost: true,
  conflict: true,
  bad_request: false,
  not_found: false,
  too_large: false,
  not_connected: true,
  unknown: false,
};

/**
 * The reason the gateway's breaker reads from `AdapterError.details.reason`: it stops a
 * platform on `unauthorized` and `needs_relink` (see `PLATFORM_FATAL_REASONS`).
 */
function breakerReason(reason: FailureReason): string {
  return reason === 'logged_out' ? 'needs_relink' : reason;
}

/**
 * Turns a classified failure into the `AdapterError` the runtime and the breaker read.
 *
 * @example
 * failureError('telegram', { reason: 'rate_limited', retryAfterMs: 3000 }, 'sendMessage');
 * // AdapterError { retryable: true, retryAfterMs: 3000, details: { reason: 'rate_limited' } }
 */
export function failureError(
  platform: string,
  failure: Failure,
  action: string,
  cause?: unknown,
): AdapterError {
  const what = failure.message ?? (cause === undefined ? failure.reason : errorMessage(cause));
  const text = `${action}: ${what}${failure.hint ? ` (${failure.hint})` : ''}`;
  const error = new AdapterError(platform, text, {
    retryable: RETRYABLE[failure.reason],
    ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
    reason: breakerReason(failure.reason),
    ...(cause !== undefined ? { cause } : {}),
  });
  error.details.failure = failure.reason;
  if (failure.code !== undefined) error.details.code = failure.code;
  return error;
}

/** The typed reason of an error the kit produced (undefined for anything else). */
export function failureReasonOf(error: unknown): FailureReason | undefined {
  return error instanceof AdapterError ? (error.details.failure as FailureReason | undefined) : undefined;
}

/**
 * The reason of an HTTP status, the skeleton every platform shares: 429 rate limited,
 * 401 unauthorized, 403 forbidden, 404 not found, 413 too large, 5xx upstream, other 4xx bad request.
 *
 * @example
 * httpFailure(503); // { reason: 'upstream_5xx', code: 'http_503' }
 */
export function httpFailure(status: number, retryAfterMs?: number): Failure {
  const code = `http_${status}`;
  if (status === 429)
    return { reason: 'rate_limited', code, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  if (status === 401) return { reason: 'unauthorized', code };
  if (status === 403) return { reason: 'forbidden', code };
  if (status === 404 || status === 410) return { reason: 'not_found', code };
  if (status === 413) return { reason: 'too_large', code };
  if (status === 408) return { reason: 'network', code };
  if (status >= 500) return { reason: 'upstream_5xx', code };
  return { reason: 'bad_request', code };
}

/** Whether an error came from the network below HTTP (refused, reset, timed out, aborted). */
export function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return true;
  if (error instanceof TypeError && error.message === 'fetch failed') return true;
  const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code);
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
