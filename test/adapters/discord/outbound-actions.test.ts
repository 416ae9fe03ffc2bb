/**
 * What the bot does to messages besides sending them: reactions, typing,
 * edits and deletes reach the fake Discord through discord.js's REST calls;
 * attachments arrive with their kind and can be downloaded.
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

it('adds a reaction to the user message', async () => {
  const dm = fake.world.dmChannel.id;
  const id = fake.userSends(dm, 'react to this');
  await vi.waitFor(() => expect(rec.ingested).toHaveLength(1));
  await adapter.react({ chatId: dm, chatType: 'dm', messageId: id }, '👀');
  expect(fake.reactions).toEqual([{ channelId: dm, messageId: id, emoji: '👀' }]);
});

it('shows typing in the thread it answers', async () => {
  const { thread, textChannel } = fake.world;
  await adapter.sendTyping({ chatId: textChannel.id, chatType: 'thread', threadId: thread.id });
  expect(fake.typing).toEqual([thread.id]);
});

it('edits and deletes its own message', async () => {
  const channel = fake.world.textChannel.id;
  const sent = await adapter.send({
    chatId: channel,
    chatType: 'group',
    text: 'draft',
    inReplyTo: [],
    idempotencyKey: 'k',
    sessionKey: 's',
  });
  const ref = { chatId: channel, chatType: 'group' as const, messageId: sent.platformMessageId as string };
  await adapter.edit(ref, 'final');
  expect(fake.botMessagesIn(channel).map((m) => m.message.content)).toEqual(['final']);
  await adapter.delete(ref);
  expect(fake.botMessagesIn(channel)).toEqual([]);
});

it('reports an image attachment as an image and downloads its bytes', async () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  fake.userSends(fake.world.dmChannel.id, '', {
    file: { fileName: 'shot.png', contentType: 'image/png', data: png },
  });
  await vi.waitFor(() => expect(rec.ingested).toHaveLength(1));
  const [attachment] = rec.ingested[0]?.attachments ?? [];
  expect(attachment).toMatchObject({ kind: 'image', fileName: 'shot.png', mimeType: 'image/png' });
  expect(attachment?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/attachments\//);
  expect(Buffer.from(await adapter.fetchAttachment(attachment!)).equals(png)).toBe(true);
});

it('reports an audio attachment as voice', async () => {
  fake.userSends(fake.world.dmChannel.id, 'listen', {
    file: { fileName: 'voice-message.ogg', contentType: 'audio/ogg', data: Buffer.from('OggS') },
  });
  await vi.waitFor(() => expect(rec.ingested).toHaveLength(1));
  expect(rec.ingested[0]?.attachments?.[0]?.kind).toBe('voice');
});

it('sends an image with a caption in one message', async () => {
  const dm = fake.world.dmChannel.id;
  const data = Buffer.from('GIF89a');
  await adapter.send({
    chatId: dm,
    chatType: 'dm',
    text: 'the chart',
    attachments: [
      { kind: 'image', fileName: 'chart.gif', mimeType: 'image/gif', dataBase64: data.toString('base64') },
    ],
    inReplyTo: [],
    idempotencyKey: 'img',
    sessionKey: 's',
  });
  const [sent] = fake.botMessagesIn(dm);
  expect(sent?.message.content).toBe('the chart');
  expect(sent?.files.map((f) => [f.fileName, f.data.toString()])).toEqual([['chart.gif', 'GIF89a']]);
});
