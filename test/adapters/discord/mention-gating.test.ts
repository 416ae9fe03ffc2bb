/**
 * In guild channels and threads the bot answers only when it is mentioned or
 * replied to (the default), with the mention removed from the text; DMs never
 * need a mention; other bots and the bot itself are never answered.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DiscordAdapter } from '../../../src/adapters/discord/index.ts';
import type { FakeDiscord } from './fake/fake-discord.ts';
import { adapterFor, type RecordingContext, recordingContext, startFake } from './harness.ts';

describe('discord mention gating', () => {
  let fake: FakeDiscord;
  let adapter: DiscordAdapter;
  let rec: RecordingContext;

  beforeEach(async () => {
    fake = await startFake();
    adapter = adapterFor(fake);
    rec = recordingContext();
    await adapter.start(rec.ctx);
  });

  afterEach(async () => {
    await adapter.stop();
    await fake.close();
  });

  const texts = () => rec.ingested.map((m) => m.text);

  it('ignores a guild message without a mention and answers one that mentions the bot', async () => {
    const channel = fake.world.textChannel.id;
    fake.userSends(channel, 'just chatting among humans');
    const id = fake.userSends(channel, `<@${fake.world.bot.id}> what time is it?`);
    await vi.waitFor(() => expect(texts()).toContain('what time is it?'));
    expect(texts()).toEqual(['what time is it?']);
    expect(rec.ingested[0]).toMatchObject({
      platform: 'discord',
      chatType: 'group',
      chatId: channel,
      userId: fake.world.human.id,
      userName: 'Alice',
      platformMessageId: id,
    });
  });

  it('answers a guild message that replies to the bot, without a mention', async () => {
    const channel = fake.world.textChannel.id;
    const sent = await adapter.send({
      chatId: channel,
      chatType: 'group',
      text: 'I am the bot',
      inReplyTo: [],
      idempotencyKey: 'k1',
      sessionKey: 's1',
    });
    const human = fake.userSends(channel, 'a human says something');
    fake.userSends(channel, 'a reply to the human', { replyTo: human });
    fake.userSends(channel, 'thanks, and one more thing', { replyTo: sent.platformMessageId as string });
    await vi.waitFor(() => expect(texts()).toContain('thanks, and one more thing'));
    expect(texts()).toEqual(['thanks, and one more thing']);
    expect(rec.ingested[0]?.replyTo).toBe(sent.platformMessageId);
  });

  it('needs a mention inside a thread too', async () => {
    const thread = fake.world.thread.id;
    fake.userSends(thread, 'thread chatter');
    fake.userSends(thread, `hey <@!${fake.world.bot.id}>, summarise please`);
    await vi.waitFor(() => expect(texts()).toHaveLength(1));
    expect(texts()).toEqual(['hey, summarise please']);
  });

  it('answers a DM without a mention', async () => {
    fake.userSends(fake.world.dmChannel.id, 'hello in private');
    await vi.waitFor(() => expect(texts()).toEqual(['hello in private']));
    expect(rec.ingested[0]?.chatType).toBe('dm');
  });

  it("ignores other bots, even when they mention the bot, and the bot's own messages", async () => {
    const channel = fake.world.textChannel.id;
    fake.userSends(channel, `<@${fake.world.bot.id}> beep`, { author: fake.world.otherBot });
    fake.userSends(channel, `<@${fake.world.bot.id}> talking to myself`, { author: fake.world.bot });
    fake.userSends(channel, `<@${fake.world.bot.id}> a human asks`);
    await vi.waitFor(() => expect(texts()).toContain('a human asks'));
    expect(texts()).toEqual(['a human asks']);
  });
});

describe('discord with requireMention off', () => {
  it('answers every guild message', async () => {
    const fake = await startFake();
    const adapter = adapterFor(fake, { requireMention: false });
    const rec = recordingContext();
    await adapter.start(rec.ctx);
    try {
      fake.userSends(fake.world.textChannel.id, 'no mention needed here');
      await vi.waitFor(() => expect(rec.ingested.map((m) => m.text)).toEqual(['no mention needed here']));
    } finally {
      await adapter.stop();
      await fake.close();
    }
  });
});
