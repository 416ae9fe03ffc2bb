/**
 * Files both ways: a photo a user sends arrives as an image with its bytes;
 * the bot sends images with sendPhoto, voice with sendVoice and other files
 * with sendDocument (uploaded as multipart from a Buffer), the text as caption
 * when it fits.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { TelegramAdapter } from '../../../src/adapters/telegram/index.ts';
import {
  adapterFor,
  createTelegramWorld,
  type RecordingContext,
  recordingContext,
  type TelegramWorld,
} from './harness.ts';
import { botMessages, DM_CHAT, userPosts } from './telegram-peer.ts';

const PNG = Buffer.from('\u0089PNG\r\n\u001a\n fake image bytes');
const OGG = Buffer.from('OggS voice reply');

let world: TelegramWorld;
let adapter: TelegramAdapter;
let rec: RecordingContext;

beforeEach(async () => {
  world = await createTelegramWorld();
  rec = recordingContext();
  adapter = adapterFor(world.api);
  await adapter.start(rec.ctx);
});

afterEach(async () => {
  await adapter.stop();
  await world.close();
});

it('receives a photo as an image attachment (largest size) with its caption', async () => {
  await userPosts(world.api, world.dm, 'what is this?', {
    file: { kind: 'image', fileName: 'cat.png', mimeType: 'image/png', data: PNG },
  });
  await vi.waitFor(() => expect(rec.ingested).toHaveLength(1), { timeout: 10_000 });
  const [m] = rec.ingested;
  expect(m?.text).toBe('what is this?');
  const [image] = m?.attachments ?? [];
  expect(image).toMatchObject({ kind: 'image', mimeType: 'image/jpeg' });
  expect(image?.url).toMatch(/^photos\//);
  expect(Buffer.from(await adapter.fetchAttachment(image!)).equals(PNG)).toBe(true);
});

it('sends an image as a photo and a voice reply as a voice note, after the text', async () => {
  const result = await adapter.send({
    chatId: String(DM_CHAT.id),
    chatType: 'dm',
    text: 'here you go',
    attachments: [
      { kind: 'image', fileName: 'chart.png', mimeType: 'image/png', dataBase64: PNG.toString('base64') },
      { kind: 'voice', fileName: 'reply.ogg', mimeType: 'audio/ogg', dataBase64: OGG.toString('base64') },
    ],
    inReplyTo: [],
    idempotencyKey: 'media-1',
    sessionKey: 'telegram:dm:1001',
  });
  expect(world.api.calls.map((c) => c.method).filter((m) => m.startsWith('send'))).toEqual([
    'sendMessage',
    'sendPhoto',
    'sendVoice',
  ]);
  const seen = botMessages(world.api, DM_CHAT.id);
  expect(seen.map((m) => m.text)).toEqual(['here you go', '', '']);
  expect(seen.flatMap((m) => m.files).map((f) => [f.kind, f.data.toString('base64')])).toEqual([
    ['image', PNG.toString('base64')],
    ['voice', OGG.toString('base64')],
  ]);
  expect(result.platformMessageIds).toEqual(seen.map((m) => m.id));
});

it('puts a short text as the caption of a single file', async () => {
  await adapter.send({
    chatId: String(DM_CHAT.id),
    chatType: 'dm',
    text: 'the report',
    attachments: [
      {
        kind: 'file',
        fileName: 'report.txt',
        mimeType: 'text/plain',
        dataBase64: Buffer.from('ok').toString('base64'),
      },
    ],
    inReplyTo: [],
    idempotencyKey: 'doc-1',
    sessionKey: 'telegram:dm:1001',
  });
  const seen = botMessages(world.api, DM_CHAT.id);
  expect(seen.map((m) => [m.text, m.files.map((f) => f.fileName)])).toEqual([['the report', ['report.txt']]]);
});

it('edits and deletes its messages', async () => {
  const sent = await adapter.send({
    chatId: String(DM_CHAT.id),
    chatType: 'dm',
    text: 'first draft',
    inReplyTo: [],
    idempotencyKey: 'e-1',
    sessionKey: 'telegram:dm:1001',
  });
  const ref = {
    chatId: String(DM_CHAT.id),
    chatType: 'dm' as const,
    messageId: sent.platformMessageId as string,
  };
  await adapter.edit(ref, 'final text');
  await adapter.edit(ref, 'final text'); // "message is not modified" is not a failure
  expect(botMessages(world.api, DM_CHAT.id).map((m) => m.text)).toEqual(['final text']);
  await adapter.delete(ref);
  await adapter.delete(ref); // already gone: fine
  expect(botMessages(world.api, DM_CHAT.id)).toEqual([]);
});
