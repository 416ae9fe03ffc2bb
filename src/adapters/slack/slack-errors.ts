/**
 * Slack's error classifier: rate limits and upstream trouble are Slack's
 * (the kit retries them, after `retryAfterMs` when Slack said), a dead or
 * revoked token needs the operator, a missing scope refuses that one call,
 * anything else is a permanent failure of that one call.
 */
import { webApi } from '@slack/bolt';
import { AdapterError } from '../../errors.ts';
import { errorMessage, type Failure, failureError, httpFailure, isNetworkError } from '../kit/index.ts';

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

/** Auth errors that concern one call's scope, not the token: that call is refused. */
const SCOPE_ERRORS: ReadonlySet<string> = new Set([
  'no_permission',
  'missing_scope',
  'not_allowed_token_type',
]);

/**
 * Names the reason of an error thrown by `@slack/web-api` (or by our own HTTP calls).
 *
 * @example
 * classifySlackError(platformErrorOf('token_revoked')); // { reason: 'unauthorized', code: 'token_revoked', ... }
 */
export function classifySlackError(error: unknown): Failure {
  if (error instanceof webApi.WebAPIRateLimitedError) {
    return {
      reason: 'rate_limited',
      message: `rate limited, retry after ${error.retryAfter}s`,
      retryAfterMs: Math.max(0, error.retryAfter) * 1000,
    };
  }
  if (error instanceof webApi.WebAPIPlatformError) {
    const code = String(error.data.error);
    if (FATAL_AUTH_ERRORS.has(code)) {
      const hint = "check SLACK_BOT_TOKEN and the app's scopes";
      return { reason: SCOPE_ERRORS.has(code) ? 'forbidden' : 'unauthorized', code, message: code, hint };
    }
    if (code === 'ratelimited' || code === 'rate_limited')
      return { reason: 'rate_limited', code, message: code };
    if (code === 'request_timeout') return { reason: 'network', code, message: code };
    if (RETRYABLE_PLATFORM_ERRORS.has(code)) return { reason: 'upstream_5xx', code, message: code };
    if (/not_found$/.test(code)) return { reason: 'not_found', code, message: code };
    if (code === 'msg_too_long' || code === 'file_too_large')
      return { reason: 'too_large', code, message: code };
    return { reason: 'bad_request', code, message: code };
  }
  if (error instanceof webApi.WebAPIHTTPError) {
    return { ...httpFailure(error.statusCode), message: `HTTP ${error.statusCode} ${error.statusMessage}` };
  }
  if (error instanceof webApi.WebAPIRequestError) {
    return { reason: 'network', message: `network error: ${error.original.message}` };
  }
  return { reason: isNetworkError(error) ? 'network' : 'unknown', message: errorMessage(error) };
}

/**
 * The `AdapterError` of a Slack error, for code that reports outside a primitive (Socket Mode reconnects).
 *
 * @example
 * try { await client.apps.connections.open() } catch (e) { hooks.onDrop(toAdapterError(e, 'reconnect')) }
 */
export function toAdapterError(error: unknown, action: string): AdapterError {
  if (error instanceof AdapterError) return error;
  return failureError(SLACK_PLATFORM, classifySlackError(error), action, error);
}

/** The Web API error code inside an error, when Slack answered with one. */
export function slackErrorCode(error: unknown): string | undefined {
  if (error instanceof webApi.WebAPIPlatformError) return String(error.data.error);
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return cause instanceof webApi.WebAPIPlatformError ? String(cause.data.error) : undefined;
}
