/**
 * Group gating: in a group the bot answers only when it is addressed, that is
 * mentioned by `@username`, replied to, or sent a `/command` (one without a
 * bot name or with this bot's name). With `require_mention: false` it answers
 * every message. Direct messages are always addressed.
 */
import type { Message, MessageEntity } from 'grammy/types';

/** Who the bot is, as `getMe` told. */
export interface BotIdentity {
  id: number;
  username: string;
}

/**
 * Whether a group message is meant for the bot.
 *
 * @example
 * isAddressedToBot({ text: 'hi @hermes_bot', ... }, { id: 7, username: 'hermes_bot' }) // true
 */
export function isAddressedToBot(message: Message, bot: BotIdentity): boolean {
  if (message.reply_to_message?.from?.id === bot.id) return true;
  const text = message.text ?? message.caption ?? '';
  const entities = message.entities ?? message.caption_entities ?? [];
  const name = bot.username.toLowerCase();
  for (const entity of entities) {
    const piece = entityText(text, entity).toLowerCase();
    if (entity.type === 'mention' && piece === `@${name}`) return true;
    if (entity.type === 'text_mention' && entity.user.id === bot.id) return true;
    if (entity.type === 'bot_command' && entity.offset === 0) {
      const at = piece.indexOf('@');
      if (at === -1 || piece.slice(at + 1) === name) return true;
    }
  }
  // a client that sent no entities (some bridges): fall back to the text itself
  if (entities.length === 0) {
    const lower = text.toLowerCase();
    if (lower.includes(`@${name}`)) return true;
    if (/^\/[a-z0-9_]+(\s|$)/i.test(text)) return true;
  }
  return false;
}

/**
 * Removes the bot's own `@username` from a message: from a command
 * (`/new@hermes_bot` becomes `/new`) and from mentions in the text.
 */
export function stripBotMention(text: string, username: string): string {
  const escaped = username.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text
    .replace(new RegExp(`^(/[A-Za-z0-9_]+)@${escaped}\\b`, 'i'), '$1')
    .replace(new RegExp(`(^|\\s)@${escaped}\\b[,:]?`, 'gi'), '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/** The part of `text` an entity covers (offsets are UTF-16 code units, as in JavaScript). */
function entityText(text: string, entity: MessageEntity): string {
  return text.slice(entity.offset, entity.offset + entity.length);
}
