/**
 * Mentions of the bot in a message: `<@U123>` or `<@U123|name>` in the raw
 * text. Channels are answered only when the bot is mentioned (or in a thread it
 * is in), and the mention itself is taken out of the text the agent reads.
 */

function mentionPattern(botUserId: string): RegExp {
  const id = botUserId.replace(/[^A-Za-z0-9]/g, '');
  return new RegExp(`<@${id}(?:\\|[^>]*)?>`, 'g');
}

/** Whether `text` mentions the bot. */
export function mentionsBot(text: string, botUserId: string): boolean {
  return mentionPattern(botUserId).test(text);
}

/**
 * Removes every mention of the bot and tidies the spaces left behind.
 *
 * @example
 * stripBotMention('<@UBOT> hello there', 'UBOT'); // 'hello there'
 */
export function stripBotMention(text: string, botUserId: string): string {
  return text
    .replace(mentionPattern(botUserId), ' ')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/^[ \t]+|[ \t]+$/gm, '')
    .trim();
}
