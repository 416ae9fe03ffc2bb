/**
 * A message in a thread is normalised as chat = parent channel, thread = the
 * thread channel, and the reply goes into the thread (quoting the question),
 * never into the parent channel.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { DiscordAdapter } from '../../../src/adapters/discord/index.ts';
import type { FakeDiscord } from './fake/fake-discord.ts';
import { adapterFor, type RecordingContext, recordingContext, startFake } from './harness.ts';

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

it('replies inside the thread the question came from', async () => {
  const { thread, textChannel, bot } = fake.world;
  const question = fake.userSends(thread.id, `<@${bot.id}> how do I reset?`);
  await vi.waitFor(() => expect(rec.ingested).toHaveLength(1));
  const inbound = rec.ingested[0];
  expect(inbound).toMatchObject({
    chatType: 'thread',
    chatId: textChannel.id,
    threadId: thread.id,
    text: 'how do I reset?',
    platformMessageId: question,
  });

  const result = await adapter.send({
    chatId: inbound?.chatId as string,
    chatType: 'thread',
    threadId: inbound?.threadId as string,
    text: 'Type /reset.',
    inReplyTo: [question],
    idempotencyKey: 'thread-reply',
    sessionKey: 'discord:thread',
  });

  const [reply] = fake.botMessagesIn(thread.id);
  expect(reply?.message).toMatchObject({
    id: result.platformMessageId,
    content: 'Type /reset.',
    message_reference: { message_id: question },
  });
  expect(fake.botMessagesIn(textChannel.id)).toEqual([]);
});

it('splits a long thread reply into parts of at most 2000 characters, all in the thread', async () => {
  const { thread } = fake.world;
  const words = Array.from({ length: 700 }, (_, i) => `word${i}`);
  const text = words.join(' ');
  const result = await adapter.send({
    chatId: fake.world.textChannel.id,
    chatType: 'thread',
    threadId: thread.id,
    text,
    inReplyTo: [],
    idempotencyKey: 'long',
    sessionKey: 'discord:thread',
  });
  const parts = fake.botMessagesIn(thread.id).map((m) => m.message.content);
  expect(parts.length).toBeGreaterThan(1);
  for (const part of parts) expect(part.length).toBeLessThanOrEqual(2000);
  expect(parts.join(' ').split(/\s+/).filter(Boolean).join(',')).toBe(words.join(','));
  expect(result.platformMessageIds).toHaveLength(parts.length);
});
