/**
 * Mention gating in groups: the same rule for every platform. A direct message
 * is always answered; in a group the bot answers when it is mentioned, replied
 * to, sent a command, or when the operator turned `require_mention` off.
 */
import type { ChatType } from '../contract.ts';

/** What the wire knows about one group message. */
export interface MentionFacts {
  chatType: ChatType;
  /** The text names the bot (`@bot`, `<@U123>`). */
  mentioned: boolean;
  /** The message replies to one of the bot's, or sits in a thread the bot is in. */
  repliesToBot?: boolean;
  /** The message is a `/command`. */
  isCommand?: boolean;
  /** `gateway.platforms.<name>.extra.require_mention` (default true). */
  requireMention?: boolean;
}

/**
 * Whether the bot should answer.
 *
 * @example
 * shouldAnswer({ chatType: 'group', mentioned: false, requireMention: true }); // false
 */
export function shouldAnswer(facts: MentionFacts): boolean {
  if (facts.chatType === 'dm') return true;
  if (facts.requireMention === false) return true;
  return facts.mentioned || facts.repliesToBot === true || facts.isCommand === true;
}
