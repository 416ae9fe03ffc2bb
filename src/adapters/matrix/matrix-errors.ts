/**
 * Matrix's error classifier: rate limits (`M_LIMIT_EXCEEDED`, 429) and server
 * or network trouble are retryable, with the wait the server asked for; a token
 * the server no longer knows needs the operator (`unauthorized`); any other
 * refusal fails that one call.
 */
import { HTTPError, MatrixError } from 'matrix-js-sdk';
import { AdapterError } from '../../errors.ts';
import { type Failure, failureError } from '../kit/index.ts';

/** The platform name in every error of this adapter. */
export const MATRIX_PLATFORM = 'matrix';

/** Error codes that mean the bot's credentials are not (or no longer) accepted. */
const AUTH_ERRCODES = new Set(['M_UNKNOWN_TOKEN', 'M_MISSING_TOKEN', 'M_USER_DEACTIVATED']);

/**
 * Names the reason of a homeserver failure.
 *
 * @param authContext the request proves the bot's identity (login, whoami, /sync):
 *   a refusal (`M_FORBIDDEN`, 401, 403) there means bad credentials.
 * @example
 * classifyMatrixError(limitExceeded) // { reason: 'rate_limited', retryAfterMs: 1500, code: 'M_LIMIT_EXCEEDED' }
 */
export function classifyMatrixError(error: unknown, authContext = false): Failure {
  if (error instanceof MatrixError || error instanceof HTTPError) {
    const status = error.httpStatus;
    const errcode = error instanceof MatrixError ? error.errcode : undefined;
    const message = `${errcode ?? `HTTP ${status}`}${error.message ? ` (${error.message})` : ''}`;
    const code = errcode ?? (status !== undefined ? `http_${status}` : undefined);
    const base = { message, ...(code ? { code } : {}) };
    if (errcode === 'M_LIMIT_EXCEEDED' || status === 429) {
      const retryAfterMs = safeRetryAfter(error);
      return { ...base, reason: 'rate_limited', ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
    const authRefused = authContext && (errcode === 'M_FORBIDDEN' || status === 401 || status === 403);
    if ((errcode && AUTH_ERRCODES.has(errcode)) || authRefused) return { ...base, reason: 'unauthorized' };
    if (status === undefined || status >= 500 || status === 408) return { ...base, reason: 'upstream_5xx' };
    if (errcode === 'M_FORBIDDEN' || status === 403) return { ...base, reason: 'forbidden' };
    if (errcode === 'M_NOT_FOUND' || status === 404) return { ...base, reason: 'not_found' };
    if (errcode === 'M_TOO_LARGE' || status === 413) return { ...base, reason: 'too_large' };
    return { ...base, reason: 'bad_request' };
  }
  // the SDK's own connection failures, and anything else below HTTP: try again
  return { reason: 'network', message: error instanceof Error ? error.message : String(error) };
}

/**
 * The `AdapterError` of a homeserver failure of `action`, for code outside a primitive (sign-in, /sync).
 *
 * @example
 * toAdapterError(err, 'log in with the password', true) // unauthorized for M_FORBIDDEN
 */
export function toAdapterError(error: unknown, action: string, authContext = false): AdapterError {
  if (error instanceof AdapterError) return error;
  return failureError(MATRIX_PLATFORM, classifyMatrixError(error, authContext), action, error);
}

/** The server's requested wait, or undefined when it named none (or named it badly). */
function safeRetryAfter(error: HTTPError): number | undefined {
  try {
    const ms = error.getRetryAfterMs();
    return ms === null || ms < 0 ? undefined : ms;
  } catch {
    return undefined;
  }
}

/** Whether the error means the bot's credentials were refused. */
export function isUnauthorized(error: AdapterError): boolean {
  return error.details.reason === 'unauthorized';
}
