/**
 * Normalising Telegram messages: chat types, senders, the bot's own and other
 * bots' messages, mentions removed from the text.
 */
import type { Message } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { classifyMessage, stripBotMention } from '../../../src/adapters/telegram/index.ts';
import { botApiValidator } from './bot-api-schema.ts';
import { ADA, DM_CHAT, FORUM_CHAT, GROUP_CHAT } from './telegram-peer.ts';

const BOT = { id: 7000001, username: 'hermes_test_bot' };
const policy = { bot: BOT, requireMention: true, ignoreBots: true };

/** A message checked against the Bot API schema, so the cases are real Telegram shapes. */
function message(fields: Record<string, unknown>): Message {
  const m = { message_id: 10, date: 1_700_000_000, chat: DM_CHAT, from: ADA, ...fields } as Message;
  expect(botApiValidator()('Message', m)).toEqual([]);
  return m;
}

describe('classifyMessage', () => {
  it('normalises a private message', () => {
    expect(classifyMessage(message({ text: 'hi' }), policy)).toEqual({
      accept: true,
      message: {
        platform: 'telegram',
        chatType: 'dm',
        chatId: '1001',
        userId: '1001',
        userName: 'Ada Lovelace',
        text: 'hi',
        platformMessageId: '1001:10',
      },
    });
  });

  it("skips the bot's own messages and, by default, other bots'", () => {
    const self = message({ text: 'echo', from: { id: BOT.id, is_bot: true, first_name: 'Hermes' } });
    const other = message({ text: 'beep', from: { id: 55, is_bot: true, first_name: 'Other' } });
    expect(classifyMessage(self, policy)).toEqual({ accept: false, reason: 'self' });
    expect(classifyMessage(other, policy)).toEqual({ accept: false, reason: 'bot' });
    expect(classifyMessage(other, { ...policy, ignoreBots: false }).accept).toBe(true);
  });

  it('skips service messages without content', () => {
    const joined = message({ chat: GROUP_CHAT, new_chat_members: [ADA] });
    expect(classifyMessage(joined, policy)).toEqual({ accept: false, reason: 'no_content' });
  });

  it('counts a text_mention of the bot (a user without @username) as addressed', () => {
    const m = message({
      chat: GROUP_CHAT,
      text: 'Hermes, help',
      entities: [
        {
          type: 'text_mention',
          offset: 0,
          length: 6,
          user: { id: BOT.id, is_bot: true, first_name: 'Hermes' },
        },
      ],
    });
    expect(classifyMessage(m, policy).accept).toBe(true);
  });

  it('reads a mention in a photo caption', () => {
    const m = message({
      chat: GROUP_CHAT,
      photo: [{ file_id: 'p', file_unique_id: 'u', width: 1, height: 1 }],
      caption: '@hermes_test_bot what is this',
      caption_entities: [{ type: 'mention', offset: 0, length: 16 }],
    });
    const c = classifyMessage(m, policy);
    expect(c.accept && c.message.text).toBe('what is this');
  });

  it('keeps a topic message in its thread', () => {
    const m = message({
      chat: FORUM_CHAT,
      message_thread_id: 3,
      is_topic_message: true,
      text: '/new@hermes_test_bot',
      entities: [{ type: 'bot_command', offset: 0, length: 20 }],
    });
    const c = classifyMessage(m, policy);
    expect(c.accept && [c.message.chatType, c.message.threadId, c.message.text]).toEqual([
      'thread',
      '3',
      '/new',
    ]);
  });

  it('speaks for the channel in a channel post', () => {
    const post = message({
      chat: { id: -1005555, type: 'channel', title: 'News' },
      from: undefined,
      sender_chat: { id: -1005555, type: 'channel', title: 'News' },
      text: '@hermes_test_bot summarise',
      entities: [{ type: 'mention', offset: 0, length: 16 }],
    });
    const c = classifyMessage(post, policy);
    expect(c.accept && [c.message.chatType, c.message.userId, c.message.userName]).toEqual([
      'channel',
      '-1005555',
      'News',
    ]);
  });
});

describe('stripBotMention', () => {
  it('removes the bot name from commands and mentions only', () => {
    expect(stripBotMention('/status@Hermes_Test_Bot now', 'hermes_test_bot')).toBe('/status now');
    expect(stripBotMention('hey @hermes_test_bot, and @ada too', 'hermes_test_bot')).toBe('hey and @ada too');
    expect(stripBotMention('mail me at x@hermes_test_bot.org', 'hermes_test_bot')).toBe(
      'mail me at x@hermes_test_bot.org',
    );
  });
});
