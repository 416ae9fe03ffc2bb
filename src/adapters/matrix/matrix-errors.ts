/**
 * How failures of the homeserver become `AdapterError`s: rate limits
 * (`M_LIMIT_EXCEEDED`, 429) and server or network trouble are retryable, with
 * the wait the server asked for; a token the server no longer knows is fatal
 * (`reason: 'unauthorized'`), as is any other refusal.
 */
import { ConnectionError, HTTPError, MatrixError } from 'matrix-js-sdk';
import { AdapterError } from '../../errors.ts';

/** The platform name in every error of this adapter. */
export const MATRIX_PLATFORM = 'matrix';

/** Error codes that mean the bot's credentials are not (or no longer) accepted. */
const AUTH_ERRCODES = new Set(['M_UNKNOWN_TOKEN', 'M_MISSING_TOKEN', 'M_USER_DEACTIVATED']);

/**
 * Classifies a failure of `action` (for the message).
 *
 * @param authContext the request proves the bot's identity (login, whoami, /sync):
 *   a refusal (`M_FORBIDDEN`, 401, 403) there means bad credentials.
 * @example
 * toAdapterError(err, 'send a message') // AdapterError { retryable: true, retryAfterMs: 1500 } for M_LIMIT_EXCEEDED
 */
export function toAdapterError(error: unknown, action: string, authContext = false): AdapterError {
  if (error instanceof AdapterError) return error;
  if (error instanceof MatrixError || error instanceof HTTPError) {
    const status = error.httpStatus;
    const errcode = error instanceof MatrixError ? error.errcode : undefined;
    const detail = `${action} failed: ${errcode ?? `HTTP ${status}`}${error.message ? ` (${error.message})` : ''}`;
    if (errcode === 'M_LIMIT_EXCEEDED' || status === 429) {
      const retryAfterMs = safeRetryAfter(error);
      return new AdapterError(MATRIX_PLATFORM, detail, {
        retryable: true,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        cause: error,
        reason: 'rate_limited',
      });
    }
    const authRefused = authContext && (errcode === 'M_FORBIDDEN' || status === 401 || status === 403);
    if ((errcode && AUTH_ERRCODES.has(errcode)) || authRefused) {
      return new AdapterError(MATRIX_PLATFORM, detail, {
        retryable: false,
        cause: error,
        reason: 'unauthorized',
      });
    }
    if (status === undefined || status >= 500 || status === 408) {
      return new AdapterError(MATRIX_PLATFORM, detail, {
        retryable: true,
        cause: error,
        reason: 'server_error',
      });
    }
    return new AdapterError(MATRIX_PLATFORM, detail, {
      retryable: false,
      cause: error,
      reason: errcode === 'M_FORBIDDEN' ? 'forbidden' : (errcode ?? `http_${status}`),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  const network = error instanceof ConnectionError || error instanceof TypeError;
  return new AdapterError(MATRIX_PLATFORM, `${action} failed: ${message}`, {
    retryable: true,
    cause: error,
    reason: network ? 'network' : 'unknown',
  });
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
