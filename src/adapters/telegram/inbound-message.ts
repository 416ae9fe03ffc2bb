/**
 * Turns a Telegram message into the gateway's `InboundMessage`: chat type
 * (private → dm, group/supergroup → group, forum topic → thread, channel →
 * channel), thread id, sender, text (the bot's own `@username` removed),
 * reply-to and the platform message id `<chat_id>:<message_id>`. Messages the
 * bot should not see (its own, other bots', group messages not addressed to
 * it, service messages) are filtered here; files and voice transcription are
 * added by `inbound-attachments.ts`.
 */
import type { Message } from 'grammy/types';
import type { ChatType, InboundMessage } from '../contract.ts';
import { type BotIdentity, isAddressedToBot, stripBotMention } from './mention-gate.ts';
import { TELEGRAM_PLATFORM } from './telegram-errors.ts';

/** How the adapter filters messages. */
export interface InboundPolicy {
  bot: BotIdentity;
  /** In groups, answer only when addressed. */
  requireMention: boolean;
  /** Ignore messages of other bots. */
  ignoreBots: boolean;
}

/** Why a message was not passed on (for debug logs). */
export type SkipReason = 'self' | 'bot' | 'not_addressed' | 'no_content';

/** A message to pass on (attachments still to resolve), or why not. */
export type Classified = { accept: true; message: InboundMessage } | { accept: false; reason: SkipReason };

/** The platform message id of a Telegram message: `<chat_id>:<message_id>`. */
export function platformMessageId(chatId: number | string, messageId: number): string {
  return `${chatId}:${messageId}`;
}

/** Whether a message carries something the gateway can use. */
function hasContent(message: Message): boolean {
  return Boolean(
    message.text ??
      message.caption ??
      message.photo ??
      message.document ??
      message.voice ??
      message.audio ??
      message.video ??
      message.video_note,
  );
}

/** The replied-to message, unless it is only the forum topic's first message. */
function explicitReply(message: Message): Message | undefined {
  const reply = message.reply_to_message;
  if (!reply || reply.forum_topic_created) return undefined;
  return reply as Message;
}

function chatTypeOf(message: Message): { chatType: ChatType; threadId?: string } {
  const topic =
    message.is_topic_message && message.message_thread_id !== undefined
      ? { threadId: String(message.message_thread_id) }
      : {};
  switch (message.chat.type) {
    case 'private':
      return { chatType: 'dm', ...topic };
    case 'channel':
      return { chatType: 'channel' };
    default:
      return topic.threadId ? { chatType: 'thread', ...topic } : { chatType: 'group' };
  }
}

function senderOf(message: Message): { userId: string; userName?: string } {
  const from = message.from;
  if (from) {
    const full = [from.first_name, from.last_name].filter(Boolean).join(' ').trim();
    const name = full || (from.username ? `@${from.username}` : '');
    return { userId: String(from.id), ...(name ? { userName: name } : {}) };
  }
  // channel posts and anonymous group admins speak as a chat
  const chat = message.sender_chat ?? message.chat;
  const title = 'title' in chat ? chat.title : undefined;
  return { userId: String(chat.id), ...(title ? { userName: title } : {}) };
}

/**
 * Classifies one message: whether the gateway should see it and, if so, its
 * normalised form without attachments.
 *
 * @example
 * const c = classifyMessage(update.message, { bot: { id: 7, username: 'hermes_bot' }, requireMention: true, ignoreBots: true });
 * if (c.accept) await ctx.ingest(c.message);
 */
export function classifyMessage(message: Message, policy: InboundPolicy): Classified {
  const from = message.from;
  if (from?.id === policy.bot.id) return { accept: false, reason: 'self' };
  if (from?.is_bot && policy.ignoreBots) return { accept: false, reason: 'bot' };
  if (!hasContent(message)) return { accept: false, reason: 'no_content' };
  const where = chatTypeOf(message);
  const inGroup = where.chatType === 'group' || where.chatType === 'thread' || where.chatType === 'channel';
  if (inGroup && policy.requireMention && !isAddressed(message, policy.bot)) {
    return { accept: false, reason: 'not_addressed' };
  }
  const raw = message.text ?? message.caption ?? '';
  const reply = explicitReply(message);
  return {
    accept: true,
    message: {
      platform: TELEGRAM_PLATFORM,
      chatType: where.chatType,
      chatId: String(message.chat.id),
      ...(where.threadId ? { threadId: where.threadId } : {}),
      ...senderOf(message),
      text: stripBotMention(raw, policy.bot.username),
      ...(reply ? { replyTo: platformMessageId(message.chat.id, reply.message_id) } : {}),
      platformMessageId: platformMessageId(message.chat.id, message.message_id),
    },
  };
}

function isAddressed(message: Message, bot: BotIdentity): boolean {
  const reply = explicitReply(message);
  return isAddressedToBot(reply ? message : { ...message, reply_to_message: undefined }, bot);
}
