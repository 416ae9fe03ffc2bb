/**
 * Slack's request signing, as Slack does it for the Events API: the signature
 * is `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the app's
 * signing secret, sent with the timestamp in `X-Slack-Request-Timestamp`.
 */
import { createHmac } from 'node:crypto';

/** The `X-Slack-Signature` of a body. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Headers of a signed Events API request. */
export function signedHeaders(
  secret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'X-Slack-Request-Timestamp': String(timestamp),
    'X-Slack-Signature': slackSignature(secret, timestamp, body),
  };
}
