/**
 * The errors of the HTTP ingress: what a refused request is (`HttpProblem`),
 * the two errors a route handler can throw on purpose (`UnusablePayloadError`:
 * the payload cannot be used; `NotCommittedError`: the message did not reach
 * the inbox), and the mapping of the errors Fastify and its plugins raise
 * (body too large, bad content length, rate limit) to problems.
 */
import { type ErrorCode, GatewayError } from '../errors.ts';

/**
 * One request the ingress did not take: the HTTP status, the documented code,
 * a short reason word (logs and counters use it) and a message for the caller.
 */
export interface HttpProblem {
  status: number;
  code: ErrorCode;
  /** A word such as `bad_secret`, `body_too_large`, `rate_limited`, `store`. */
  reason: string;
  message: string;
  /** Seconds the caller should wait before trying again (sent as `Retry-After`). */
  retryAfterSeconds?: number;
}

/**
 * Thrown (or returned as an `ignored` outcome) when a payload cannot be used:
 * not JSON, the wrong shape, not meant for this bot. The ingress answers it
 * with a 2xx "ignored" on routes whose platform redelivers, else with a 400.
 *
 * @example
 * if (typeof update.update_id !== 'number') throw new UnusablePayloadError('no_update_id', 'update_id is not a number');
 */
export class UnusablePayloadError extends GatewayError {
  /** The reason word counted and logged. */
  readonly reason: string;

  constructor(reason: string, message: string) {
    super('GATEWAY_ERR_BAD_REQUEST', message, { reason });
    this.name = 'UnusablePayloadError';
    this.reason = reason;
  }
}

/**
 * The message was not committed to the inbox: the store failed, the gateway is
 * not running, or the platform's adapter is stopped. The ingress answers 503 so
 * that the platform delivers the message again; it is the only 5xx of a webhook.
 */
export class NotCommittedError extends GatewayError {
  /** `store` (the inbox write failed) or `not_running` (nobody takes messages right now). */
  readonly reason: 'store' | 'not_running';

  constructor(reason: 'store' | 'not_running', message: string, cause?: unknown) {
    super('GATEWAY_ERR_NOT_COMMITTED', message, { reason }, cause === undefined ? undefined : { cause });
    this.name = 'NotCommittedError';
    this.reason = reason;
  }
}

/**
 * Wraps an error of `ctx.ingest()` so the ingress knows the message is not in
 * the inbox (answered 503). Route handlers get an already guarded `ingest`; an
 * adapter that calls `ingest` through an SDK's listener wraps with this.
 *
 * @example
 * try { await ctx.ingest(message) } catch (error) { throw notCommitted(error) }
 */
export function notCommitted(error: unknown): NotCommittedError {
  if (error instanceof NotCommittedError) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new NotCommittedError('store', `the message was not committed: ${text}`, error);
}

/**
 * Finds a `NotCommittedError` in an error or anything it wraps (`cause`, and
 * the `original` / `originals` of SDKs such as bolt that wrap listener errors).
 */
export function findNotCommitted(error: unknown, depth = 0): NotCommittedError | undefined {
  if (error instanceof NotCommittedError) return error;
  if (depth > 8 || typeof error !== 'object' || error === null) return undefined;
  const e = error as { cause?: unknown; original?: unknown; originals?: unknown };
  const inner: unknown[] = [e.cause, e.original, ...(Array.isArray(e.originals) ? e.originals : [])];
  for (const candidate of inner) {
    const found = findNotCommitted(candidate, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The problem of a `NotCommittedError`: 503, try again shortly. */
export function notCommittedProblem(error: NotCommittedError): HttpProblem {
  return {
    status: 503,
    code: 'GATEWAY_ERR_NOT_COMMITTED',
    reason: error.reason,
    message:
      error.reason === 'store'
        ? 'The message could not be stored; deliver it again'
        : 'The gateway is not taking messages on this route right now; deliver it again',
    retryAfterSeconds: 5,
  };
}

/** The problem of a route that does not exist. */
export function notFoundProblem(method: string, path: string): HttpProblem {
  return {
    status: 404,
    code: 'GATEWAY_ERR_NOT_FOUND',
    reason: 'unknown_url',
    message: `Unknown request URL: ${method} ${path}`,
  };
}

/** The fields of an error thrown inside Fastify (content parsers, plugins) the mapping reads. */
interface FastifyLikeError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  retryAfterSeconds?: unknown;
}

/**
 * Maps an error raised by Fastify or a plugin (before or around a handler) to
 * a problem. Unknown errors give a 500 `internal_error`: each surface decides
 * what to answer for those (a webhook that the platform redelivers answers 2xx).
 *
 * @example
 * problemOf(new Error('x')) // { status: 500, reason: 'internal_error', ... }
 */
export function problemOf(error: unknown, bodyLimitBytes: number): HttpProblem {
  if (error instanceof GatewayError) {
    const found = findNotCommitted(error);
    if (found) return notCommittedProblem(found);
    if (error instanceof UnusablePayloadError) {
      return { status: 400, code: error.code, reason: error.reason, message: error.message };
    }
    if (error.statusCode >= 400 && error.statusCode < 500) {
      return {
        status: error.statusCode,
        code: error.code,
        reason: typeof error.details.reason === 'string' ? error.details.reason : 'bad_request',
        message: error.message,
        ...(typeof error.details.retryAfterSeconds === 'number'
          ? { retryAfterSeconds: error.details.retryAfterSeconds }
          : {}),
      };
    }
  }
  const found = findNotCommitted(error);
  if (found) return notCommittedProblem(found);
  const e = (typeof error === 'object' && error !== null ? error : {}) as FastifyLikeError;
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) {
    return {
      status: 413,
      code: 'GATEWAY_ERR_BODY_TOO_LARGE',
      reason: 'request_too_large',
      message: `Request body is too large: the limit is ${bodyLimitBytes} bytes`,
    };
  }
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || status === 415) {
    return {
      status: 415,
      code: 'GATEWAY_ERR_BAD_REQUEST',
      reason: 'unsupported_media_type',
      message: 'Unsupported Content-Type: send the body as application/json',
    };
  }
  if (e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return {
      status: 400,
      code: 'GATEWAY_ERR_BAD_REQUEST',
      reason: 'invalid_json',
      message: 'The request body is empty: send a JSON object',
    };
  }
  if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
    return {
      status: 400,
      code: 'GATEWAY_ERR_BAD_REQUEST',
      reason: 'invalid_json',
      message: 'We could not parse the JSON body of your request: send a valid JSON object',
    };
  }
  if (status === 429) {
    return {
      status: 429,
      code: 'GATEWAY_ERR_RATE_LIMITED',
      reason: 'rate_limit_exceeded',
      message: typeof e.message === 'string' && e.message !== '' ? e.message : 'Too many requests',
      ...(typeof e.retryAfterSeconds === 'number' ? { retryAfterSeconds: e.retryAfterSeconds } : {}),
    };
  }
  if (status >= 400 && status < 500) {
    return {
      status,
      code:
        status === 401
          ? 'GATEWAY_ERR_UNAUTHORIZED'
          : status === 403
            ? 'GATEWAY_ERR_FORBIDDEN'
            : 'GATEWAY_ERR_BAD_REQUEST',
      reason: typeof e.code === 'string' ? e.code : 'bad_request',
      message: typeof e.message === 'string' && e.message !== '' ? e.message : 'Invalid request',
    };
  }
  return {
    status: 500,
    code: 'GATEWAY_ERR_STATE',
    reason: 'internal_error',
    message: 'Internal server error',
  };
}

/** An error that tells the rate limit was hit (built for `@fastify/rate-limit`). */
export function rateLimitedError(context: { ttl: number; max: number; after: string }): GatewayError {
  const retryAfterSeconds = Math.max(1, Math.ceil(context.ttl / 1000));
  return new GatewayError(
    'GATEWAY_ERR_RATE_LIMITED',
    `Rate limit exceeded: at most ${context.max} requests per window; retry in ${context.after}`,
    { reason: 'rate_limit_exceeded', retryAfterSeconds },
  );
}
