/**
 * Text as Slack's `text` field wants it: `&`, `<` and `>` are escaped (they
 * start links and mentions otherwise), and a reply longer than Slack keeps
 * (40,000 characters; Slack cuts the rest) is split into parts that stay under
 * it even after escaping.
 */
import { splitMessage } from '../shared/split-message.ts';

/** The most characters Slack keeps in a message's text. */
export const SLACK_TEXT_LIMIT = 40_000;

/** Where replies are split: a margin under the limit for escaping. */
export const SLACK_SPLIT_LENGTH = 39_000;

/** Escapes the three characters Slack's message formatting reserves. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Undoes `escapeMrkdwn` (what a reader sees in the Slack client). */
export function unescapeMrkdwn(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Splits a reply into escaped parts of at most `SLACK_TEXT_LIMIT` characters
 * (none for a blank reply).
 *
 * @example
 * slackTextParts('a < b'); // ['a &lt; b']
 */
export function slackTextParts(text: string, splitLength = SLACK_SPLIT_LENGTH): string[] {
  const out: string[] = [];
  if (text.trim() === '') return out;
  for (const part of splitMessage(text, splitLength)) {
    const escaped = escapeMrkdwn(part);
    if (escaped.length <= SLACK_TEXT_LIMIT || splitLength <= 1000) out.push(escaped);
    else out.push(...slackTextParts(part, Math.floor(splitLength / 2)));
  }
  return out;
}
