/**
 * Platform message ids of Slack messages: a message is named by its
 * conversation and its timestamp, `<channel>:<ts>` (a `ts` is unique only
 * inside its conversation). The same message delivered twice has the same id.
 */

/** A Slack message's place: the conversation and its `ts`. */
export interface SlackMessageKey {
  channel: string;
  ts: string;
}

/**
 * The platform message id of a Slack message.
 *
 * @example
 * slackMessageId('C0123', '1700000000.000100'); // 'C0123:1700000000.000100'
 */
export function slackMessageId(channel: string, ts: string): string {
  return `${channel}:${ts}`;
}

/**
 * Reads a platform message id back into channel and ts. A bare `ts` (no
 * channel part) takes the channel given as fallback.
 */
export function parseSlackMessageId(id: string, fallbackChannel?: string): SlackMessageKey {
  const at = id.lastIndexOf(':');
  if (at > 0) return { channel: id.slice(0, at), ts: id.slice(at + 1) };
  if (fallbackChannel === undefined) throw new RangeError(`not a Slack message id: ${id}`);
  return { channel: fallbackChannel, ts: id };
}
