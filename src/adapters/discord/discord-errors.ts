/**
 * Turns what discord.js throws into `AdapterError`s the outbox and the
 * circuit breaker understand: rate limits and upstream 5xx or network failures
 * are retryable (with `retryAfterMs` when Discord said how long to wait), a
 * rejected token is fatal with reason `unauthorized`, other refusals
 * (missing permissions, unknown channel, bad request) are fatal for that send.
 */
import { DiscordAPIError, DiscordjsError, DiscordjsErrorCodes, HTTPError, RateLimitError } from 'discord.js';
import { AdapterError } from '../../errors.ts';
import { rateLimitWaitMs } from './rate-limit-policy.ts';

/** The adapter's name, also the `platform` of its messages and errors. */
export const DISCORD_PLATFORM = 'discord';

/** Gateway close codes after which discord.js does not reconnect, with the reason reported. */
const FATAL_CLOSE_REASONS: Record<number, string> = {
  4004: 'unauthorized',
  4010: 'invalid_shard',
  4011: 'sharding_required',
  4012: 'invalid_api_version',
  4013: 'invalid_intents',
  4014: 'disallowed_intents',
};

/**
 * Maps an error of a Discord call to an `AdapterError`.
 *
 * @param error what discord.js threw
 * @param action what the adapter was doing ("send a message"), for the message
 */
export function toAdapterError(error: unknown, action: string): AdapterError {
  if (error instanceof AdapterError) return error;
  if (error instanceof RateLimitError) {
    return new AdapterError(
      DISCORD_PLATFORM,
      `rate limited while trying to ${action} (${error.global ? 'global' : error.route})`,
      {
        retryable: true,
        retryAfterMs: Math.ceil(rateLimitWaitMs(error)),
        cause: error,
        reason: 'rate_limited',
      },
    );
  }
  if (error instanceof DiscordAPIError) return fromStatus(error.status, error.message, action, error);
  if (error instanceof HTTPError) return fromStatus(error.status, error.message, action, error);
  if (
    (error instanceof DiscordjsError && error.code === DiscordjsErrorCodes.TokenInvalid) ||
    (error instanceof Error && /Expected token to be set/.test(error.message))
  ) {
    return unauthorized(action, error);
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new AdapterError(DISCORD_PLATFORM, `could not ${action}: ${detail}`, {
    retryable: true,
    cause: error,
    reason: 'network',
  });
}

/** The error for a websocket closed with a code after which discord.js stops. */
export function closeCodeError(code: number): AdapterError {
  const reason = FATAL_CLOSE_REASONS[code] ?? 'disconnected';
  const hint =
    code === 4014
      ? ': turn on the Message Content intent under Bot → Privileged Gateway Intents'
      : code === 4004
        ? ': the bot token was rejected'
        : '';
  return new AdapterError(DISCORD_PLATFORM, `gateway closed with code ${code}${hint}`, {
    retryable: false,
    reason,
  });
}

function unauthorized(action: string, cause: unknown): AdapterError {
  return new AdapterError(
    DISCORD_PLATFORM,
    `the bot token was rejected while trying to ${action}; check DISCORD_BOT_TOKEN`,
    { retryable: false, cause, reason: 'unauthorized' },
  );
}

function fromStatus(status: number, detail: string, action: string, cause: unknown): AdapterError {
  if (status === 401) return unauthorized(action, cause);
  if (status === 429 || status >= 500) {
    return new AdapterError(DISCORD_PLATFORM, `could not ${action}: HTTP ${status} ${detail}`, {
      retryable: true,
      cause,
      reason: status === 429 ? 'rate_limited' : 'server_error',
    });
  }
  const reason = status === 403 ? 'forbidden' : status === 404 ? 'not_found' : 'rejected';
  return new AdapterError(DISCORD_PLATFORM, `could not ${action}: HTTP ${status} ${detail}`, {
    retryable: false,
    cause,
    reason,
  });
}
