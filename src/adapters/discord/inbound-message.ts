/**
 * Normalising a discord.js `Message` to an `InboundMessage`, and deciding
 * whether the bot should answer it at all: its own messages and other bots'
 * are ignored, and in guild channels and threads the bot answers only when it
 * is mentioned or the message replies to it (unless `requireMention` is off).
 * DMs never need a mention. The mention itself is removed from the text.
 */
import { type Attachment as DiscordAttachment, type Message, MessageFlags, MessageType } from 'discord.js';
import type { Attachment, ChatType, InboundMessage } from '../contract.ts';
import { DISCORD_PLATFORM } from './discord-errors.ts';

/** Why a message was not passed on. */
export type SkipReason = 'self' | 'bot' | 'system' | 'not_mentioned' | 'empty';

/** What to do with one message. */
export type InboundDecision =
  | { kind: 'ingest'; message: InboundMessage }
  | { kind: 'skip'; reason: SkipReason };

/** What the decision needs to know about the bot. */
export interface InboundOptions {
  /** The bot's own user id. */
  botId: string;
  /** Whether guild channels and threads need a mention (or a reply to the bot). */
  requireMention: boolean;
}

/**
 * Decides whether `message` reaches the gateway and normalises it.
 *
 * @example
 * const decision = toInboundMessage(message, { botId: client.user.id, requireMention: true });
 * if (decision.kind === 'ingest') await ctx.ingest(decision.message);
 */
export function toInboundMessage(message: Message, options: InboundOptions): InboundDecision {
  if (message.author.id === options.botId) return { kind: 'skip', reason: 'self' };
  if (message.author.bot || message.webhookId) return { kind: 'skip', reason: 'bot' };
  if (message.type !== MessageType.Default && message.type !== MessageType.Reply) {
    return { kind: 'skip', reason: 'system' };
  }
  const place = chatOf(message);
  if (place.chatType !== 'dm' && options.requireMention && !addressesBot(message, options.botId)) {
    return { kind: 'skip', reason: 'not_mentioned' };
  }
  const text = stripMention(message.content, options.botId);
  const attachments = [...message.attachments.values()].map((a) => toAttachment(a, message));
  if (text === '' && attachments.length === 0) return { kind: 'skip', reason: 'empty' };
  const replyTo = message.reference?.messageId;
  return {
    kind: 'ingest',
    message: {
      platform: DISCORD_PLATFORM,
      ...place,
      userId: message.author.id,
      userName: message.member?.displayName ?? message.author.displayName,
      text,
      ...(attachments.length > 0 ? { attachments } : {}),
      ...(replyTo ? { replyTo } : {}),
      platformMessageId: message.id,
    },
  };
}

/** Where a message was written: DM, guild channel, or a thread (chat = its parent channel). */
function chatOf(message: Message): { chatType: ChatType; chatId: string; threadId?: string } {
  const channel = message.channel;
  if (channel.isDMBased()) return { chatType: 'dm', chatId: channel.id };
  if (channel.isThread()) {
    return { chatType: 'thread', chatId: channel.parentId ?? channel.id, threadId: channel.id };
  }
  return { chatType: 'group', chatId: channel.id };
}

/** Whether the message mentions the bot or replies to one of its messages. */
function addressesBot(message: Message, botId: string): boolean {
  if (message.mentions.users.has(botId)) return true;
  if (new RegExp(`<@!?${botId}>`).test(message.content)) return true;
  if (message.mentions.repliedUser?.id === botId) return true;
  const repliedId = message.reference?.messageId;
  return repliedId !== undefined && message.channel.messages.cache.get(repliedId)?.author.id === botId;
}

/** The text without the bot's mention (`<@id>` or the older `<@!id>`), tidied. */
export function stripMention(content: string, botId: string): string {
  return content
    .replace(new RegExp(`\\s*<@!?${botId}>(?=[,.:;!?])`, 'g'), '')
    .replace(new RegExp(`<@!?${botId}>`, 'g'), ' ')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

function toAttachment(attachment: DiscordAttachment, message: Message): Attachment {
  const mimeType = attachment.contentType ?? undefined;
  const base = (mimeType ?? '').split(';')[0] ?? '';
  const kind: Attachment['kind'] =
    message.flags.has(MessageFlags.IsVoiceMessage) || base.startsWith('audio/')
      ? 'voice'
      : base.startsWith('image/')
        ? 'image'
        : base.startsWith('video/')
          ? 'video'
          : 'file';
  return {
    kind,
    url: attachment.url,
    fileName: attachment.name,
    sizeBytes: attachment.size,
    ...(mimeType ? { mimeType } : {}),
  };
}
