/**
 * Voice notes: with a transcriber configured, the transcript becomes the
 * message text and the voice note stays attached (its bytes downloadable);
 * a failing transcriber leaves the voice note as it is.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { TelegramAdapter, Transcriber } from '../../../src/adapters/telegram/index.ts';
import {
  adapterFor,
  createTelegramWorld,
  type RecordingContext,
  recordingContext,
  type TelegramWorld,
} from './harness.ts';
import { userPosts } from './telegram-peer.ts';

const OGG = Buffer.from('OggS\u0000\u0002 a tiny opus voice note');

let world: TelegramWorld;
let adapter: TelegramAdapter;
let rec: RecordingContext;

beforeEach(async () => {
  world = await createTelegramWorld();
  rec = recordingContext();
});

afterEach(async () => {
  await adapter.stop();
  await world.close();
});

async function sendVoice(): Promise<void> {
  await userPosts(world.api, world.dm, '', {
    file: { kind: 'voice', fileName: 'voice.ogg', mimeType: 'audio/ogg', data: OGG },
  });
  await vi.waitFor(() => expect(rec.ingested).toHaveLength(1), { timeout: 10_000 });
}

it('turns a voice note into its transcript and keeps the voice attached', async () => {
  const heard: { data: Buffer; mimeType: string; fileName: string }[] = [];
  const transcribe: Transcriber = async (audio) => {
    heard.push({ ...audio, data: Buffer.from(audio.data) });
    return 'remind me to water the plants';
  };
  adapter = adapterFor(world.api, { transcribe });
  await adapter.start(rec.ctx);
  await sendVoice();
  const [m] = rec.ingested;
  expect(m?.text).toBe('remind me to water the plants');
  expect(heard).toHaveLength(1);
  expect(heard[0]?.data.equals(OGG)).toBe(true);
  expect(heard[0]?.mimeType).toBe('audio/ogg');
  const [voice] = m?.attachments ?? [];
  expect(voice).toMatchObject({ kind: 'voice', mimeType: 'audio/ogg' });
  expect(Buffer.from(await adapter.fetchAttachment(voice!)).equals(OGG)).toBe(true);
});

it('passes the voice note on untranscribed when the transcriber fails', async () => {
  adapter = adapterFor(world.api, {
    transcribe: async () => {
      throw new Error('speech service down');
    },
  });
  await adapter.start(rec.ctx);
  await sendVoice();
  const [m] = rec.ingested;
  expect(m?.text).toBe('');
  expect(m?.attachments?.[0]?.kind).toBe('voice');
  expect(rec.logs.some((l) => l.level === 'warn' && /transcription failed/.test(l.msg ?? ''))).toBe(true);
});

it('without a transcriber, a voice note arrives as a voice attachment', async () => {
  adapter = adapterFor(world.api);
  await adapter.start(rec.ctx);
  await sendVoice();
  expect(rec.ingested[0]?.attachments?.map((a) => a.kind)).toEqual(['voice']);
});
