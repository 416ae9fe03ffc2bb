/**
 * Slack's request signing for the Events API: `X-Slack-Signature` is `v0=` and
 * the hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the app's signing
 * secret; `X-Slack-Request-Timestamp` must be within five minutes of now, so a
 * captured request cannot be replayed later.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's timestamp may be from now. */
export const MAX_SIGNATURE_AGE_SECONDS = 5 * 60;

/** Why a request's signature was refused. */
export type SignatureProblem = 'missing_signature' | 'stale_timestamp' | 'bad_signature';

/**
 * Checks a request's signature over its exact bytes.
 *
 * @example
 * verifySlackSignature({ signingSecret, rawBody, timestamp: req.header('x-slack-request-timestamp'),
 *   signature: req.header('x-slack-signature'), nowSeconds: Date.now() / 1000 }) // { ok: true }
 */
export function verifySlackSignature(input: {
  signingSecret: string;
  rawBody: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  nowSeconds: number;
}): { ok: true } | { ok: false; reason: SignatureProblem } {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: 'missing_signature' };
  if (Math.abs(input.nowSeconds - Number(timestamp)) > MAX_SIGNATURE_AGE_SECONDS) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  const expected = Buffer.from(
    `v0=${createHmac('sha256', input.signingSecret)
      .update(`v0:${timestamp}:`)
      .update(input.rawBody)
      .digest('hex')}`,
  );
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad_signature' };
  }
  return { ok: true };
}
