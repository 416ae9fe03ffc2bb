/**
 * Turning what the Slack Web API answered into `AdapterError`s the gateway can
 * act on: rate limits and upstream trouble are retryable (the outbox retries,
 * after `retryAfterMs` when Slack said), a dead or revoked token is fatal and
 * names the reason, anything else is a permanent failure of that one call.
 */
import { webApi } from '@slack/bolt';
import { AdapterError } from '../../errors.ts';

/** The adapter's name, also the `platform` of its messages and errors. */
export const SLACK_PLATFORM = 'slack';

/** Web API errors that mean the token no longer works: the operator must act. */
export const FATAL_AUTH_ERRORS: ReadonlySet<string> = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'not_allowed_token_type',
  'team_access_not_granted',
  'org_login_required',
  'ekm_access_denied',
]);

/** Web API errors that are Slack's own trouble: trying again later may work. */
const RETRYABLE_PLATFORM_ERRORS: ReadonlySet<string> = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
]);

/**
 * Classifies an error thrown by `@slack/web-api` (or by our own HTTP calls).
 *
 * @param error what the call threw
 * @param action what the adapter was doing, for the message (`chat.postMessage`)
 * @example
 * try { await client.chat.postMessage(args) } catch (e) { throw toAdapterError(e, 'chat.postMessage') }
 */
export function toAdapterError(error: unknown, action: string): AdapterError {
  if (error instanceof AdapterError) return error;
  if (error instanceof webApi.WebAPIRateLimitedError) {
    return new AdapterError(SLACK_PLATFORM, `${action}: rate limited, retry after ${error.retryAfter}s`, {
      retryable: true,
      retryAfterMs: Math.max(0, error.retryAfter) * 1000,
      reason: 'rate_limited',
      cause: error,
    });
  }
  if (error instanceof webApi.WebAPIPlatformError) {
    const code = String(error.data.error);
    if (FATAL_AUTH_ERRORS.has(code)) {
      return new AdapterError(
        SLACK_PLATFORM,
        `${action}: ${code} (check SLACK_BOT_TOKEN and the app's scopes)`,
        {
          retryable: false,
          reason: code,
          cause: error,
        },
      );
    }
    return new AdapterError(SLACK_PLATFORM, `${action}: ${code}`, {
      retryable: RETRYABLE_PLATFORM_ERRORS.has(code),
      reason: code,
      cause: error,
    });
  }
  if (error instanceof webApi.WebAPIHTTPError) {
    const status = error.statusCode;
    return new AdapterError(SLACK_PLATFORM, `${action}: HTTP ${status} ${error.statusMessage}`, {
      retryable: status >= 500 || status === 429 || status === 408,
      reason: `http_${status}`,
      cause: error,
    });
  }
  if (error instanceof webApi.WebAPIRequestError) {
    return new AdapterError(SLACK_PLATFORM, `${action}: network error: ${error.original.message}`, {
      retryable: true,
      reason: 'network',
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AdapterError(SLACK_PLATFORM, `${action}: ${message}`, {
    retryable: isNetworkError(error),
    reason: isNetworkError(error) ? 'network' : 'unknown',
    cause: error,
  });
}

/** Whether an error came from the network below HTTP (refused, reset, timed out). */
function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return true;
  const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code);
}

/** The Web API error code inside an error, when Slack answered with one. */
export function slackErrorCode(error: unknown): string | undefined {
  if (error instanceof webApi.WebAPIPlatformError) return String(error.data.error);
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return cause instanceof webApi.WebAPIPlatformError ? String(cause.data.error) : undefined;
}
