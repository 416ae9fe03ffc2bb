/**
 * The API server's bearer key: refusing weak keys at start, and a constant-time
 * check of `Authorization: Bearer <key>` on every `/v1/*` request.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../../errors.ts';

/** The shortest key the API server accepts. */
export const MIN_API_KEY_LENGTH = 16;

/**
 * Throws `GATEWAY_ERR_API_KEY` unless `key` is a string of at least 16
 * characters (surrounding whitespace does not count).
 */
export function assertApiKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.trim().length < MIN_API_KEY_LENGTH) {
    throw new GatewayError(
      'GATEWAY_ERR_API_KEY',
      `The API server needs a key: set API_SERVER_KEY (or api_server.key) to a random string of at least ${MIN_API_KEY_LENGTH} characters`,
      {
        fix: `set API_SERVER_KEY (or api_server.key) to a random string of at least ${MIN_API_KEY_LENGTH} characters, e.g. the output of \`openssl rand -hex 24\``,
        minLength: MIN_API_KEY_LENGTH,
      },
    );
  }
}

/** Outcome of checking an `Authorization` header. */
export type BearerCheck = 'ok' | 'missing' | 'invalid';

/** Checks one `Authorization` header value against the configured key. */
export type BearerChecker = (authorization: string | undefined) => BearerCheck;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Builds the bearer check for `key`. Both sides are hashed with sha256 before
 * `timingSafeEqual`, so neither the key's content nor its length leaks through
 * timing.
 *
 * @example
 * const check = createBearerChecker(process.env.API_SERVER_KEY!);
 * check('Bearer ' + key); // 'ok'
 */
export function createBearerChecker(key: string): BearerChecker {
  assertApiKey(key);
  const expected = sha256(key.trim());
  return (authorization) => {
    if (authorization === undefined || authorization.trim() === '') return 'missing';
    const match = /^Bearer[ \t]+(.+)$/i.exec(authorization.trim());
    if (match === null) return 'invalid';
    return timingSafeEqual(sha256(match[1]!.trim()), expected) ? 'ok' : 'invalid';
  };
}
