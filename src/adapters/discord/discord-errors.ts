/**
 * Discord's error classifier: rate limits (with the wait Discord named),
 * upstream 5xx and network failures are retryable; a rejected token needs the
 * operator; other refusals (missing permissions, unknown channel, bad request)
 * fail that one call.
 */
import { DiscordAPIError, DiscordjsError, DiscordjsErrorCodes, HTTPError, RateLimitError } from 'discord.js';
import type { AdapterError } from '../../errors.ts';
import { errorMessage, type Failure, failureError, httpFailure } from '../kit/index.ts';
import { rateLimitWaitMs } from './rate-limit-policy.ts';

/** The adapter's name, also the `platform` of its messages and errors. */
export const DISCORD_PLATFORM = 'discord';

/** Gateway close codes after which discord.js does not reconnect. */
const FATAL_CLOSE_CODES: Record<number, string> = {
  4004: 'authentication_failed',
  4010: 'invalid_shard',
  4011: 'sharding_required',
  4012: 'invalid_api_version',
  4013: 'invalid_intents',
  4014: 'disallowed_intents',
};

const TOKEN_HINT = 'check DISCORD_BOT_TOKEN';

/**
 * Names the reason of an error discord.js threw.
 *
 * @example
 * classifyDiscordError(new HTTPError(503, ...)); // { reason: 'upstream_5xx', code: 'http_503', ... }
 */
export function classifyDiscordError(error: unknown): Failure {
  if (error instanceof RateLimitError) {
    return {
      reason: 'rate_limited',
      message: `rate limited (${error.global ? 'global' : error.route})`,
      retryAfterMs: Math.ceil(rateLimitWaitMs(error)),
    };
  }
  if (error instanceof DiscordAPIError || error instanceof HTTPError) {
    const failure = httpFailure(error.status);
    return {
      ...failure,
      message: `HTTP ${error.status} ${error.message}`,
      ...(failure.reason === 'unauthorized' ? { hint: TOKEN_HINT } : {}),
    };
  }
  if (
    (error instanceof DiscordjsError && error.code === DiscordjsErrorCodes.TokenInvalid) ||
    (error instanceof Error && /Expected token to be set/.test(error.message))
  ) {
    return { reason: 'unauthorized', message: 'the bot token was rejected', hint: TOKEN_HINT };
  }
  // anything else discord.js throws is its transport failing: retry
  return { reason: 'network', message: errorMessage(error) };
}

/**
 * The `AdapterError` of a Discord error, for code outside a primitive.
 *
 * @example
 * toAdapterError(new HTTPError(503, ...), 'send'); // retryable, reason upstream_5xx
 */
export function toAdapterError(error: unknown, action: string): AdapterError {
  return failureError(DISCORD_PLATFORM, classifyDiscordError(error), action, error);
}

/** The failure of a websocket closed with a code after which discord.js stops. */
export function closeCodeFailure(code: number): Failure {
  const name = FATAL_CLOSE_CODES[code];
  const hint =
    code === 4014
      ? 'turn on the Message Content intent under Bot → Privileged Gateway Intents'
      : code === 4004
        ? TOKEN_HINT
        : undefined;
  return {
    // 4004 is a rejected token; the others need a change of the app's settings
    reason: code === 4004 ? 'unauthorized' : name ? 'bad_request' : 'connection_lost',
    message: `gateway closed with code ${code}`,
    code: name ?? `close_${code}`,
    ...(hint ? { hint } : {}),
  };
}

/**
 * The error for a websocket closed with a code after which discord.js stops.
 *
 * @example
 * closeCodeError(4014).message; // discord: gateway: gateway closed with code 4014 (turn on the Message Content intent …)
 */
export function closeCodeError(code: number): AdapterError {
  return failureError(DISCORD_PLATFORM, closeCodeFailure(code), 'gateway');
}
