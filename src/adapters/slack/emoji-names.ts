/**
 * Reaction names: Slack's `reactions.add` takes an emoji's short name without
 * colons (`eyes`), so common Unicode emoji the gateway uses are mapped to
 * their Slack names; names given as `:name:` lose their colons.
 */

/** Slack short names of the emoji the gateway reacts with most. */
const UNICODE_NAMES: Readonly<Record<string, string>> = {
  '👀': 'eyes',
  '👍': '+1',
  '👎': '-1',
  '✅': 'white_check_mark',
  '❌': 'x',
  '⚠️': 'warning',
  '⚠': 'warning',
  '⏳': 'hourglass_flowing_sand',
  '⌛': 'hourglass',
  '⚡': 'zap',
  '⏩': 'fast_forward',
  '🔄': 'arrows_counterclockwise',
  '🤔': 'thinking_face',
  '🎉': 'tada',
  '❤️': 'heart',
  '❤': 'heart',
  '🔥': 'fire',
  '🙏': 'pray',
  '💬': 'speech_balloon',
  '🛑': 'octagonal_sign',
  '✍️': 'writing_hand',
  '🚀': 'rocket',
  '😀': 'grinning',
  '😂': 'joy',
  '🤖': 'robot_face',
  '💡': 'bulb',
  '📎': 'paperclip',
};

/**
 * The Slack reaction name for an emoji, or undefined when it has none we know.
 *
 * @example
 * slackReactionName('👀'); // 'eyes'
 * slackReactionName(':thumbsup:'); // 'thumbsup'
 */
export function slackReactionName(emoji: string): string | undefined {
  const trimmed = emoji.trim();
  const known = UNICODE_NAMES[trimmed] ?? UNICODE_NAMES[trimmed.replace(/\uFE0F/g, '')];
  if (known) return known;
  const name = trimmed.replace(/^:|:$/g, '');
  return /^[a-z0-9_+'-]+(::skin-tone-[2-6])?$/.test(name) ? name : undefined;
}
