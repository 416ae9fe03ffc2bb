/**
 * Spoken replies through the gateway: `/voice tts` makes every reply go out
 * with an Ogg/Opus voice note (checked with ffprobe), `/voice on` only the
 * replies to voice notes, `/voice off` none; without ffmpeg the audio goes out
 * as a plain file and the log says so once; `/voice status` tells the mode,
 * speech and ffmpeg; the mode survives a restart; speech failures cost no reply.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Attachment } from '../../src/adapters/contract.ts';
import { createEchoAgent } from '../../src/agent/echo-agent.ts';
import type { RuntimeLogger } from '../../src/log/runtime-logger.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import type { Store } from '../../src/persistence/store.ts';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/runtime/create-gateway.ts';
import { createSynthesizer } from '../../src/voice/synthesize.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';
import { type FakeAudioServer, startFakeAudioServer } from './fake-audio-server.ts';
import { itWithFfmpeg, probeAudio } from './ffmpeg-required.ts';

let dir: string;
let audio: FakeAudioServer;
let gateway: Gateway | undefined;
const warnings: string[] = [];

const log: RuntimeLogger = {
  info: () => {},
  debug: () => {},
  error: () => {},
  warn: (_obj: object, msg?: string) => {
    warnings.push(msg ?? '');
  },
  child: () => log,
} as unknown as RuntimeLogger;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hermes-voice-'));
  audio = await startFakeAudioServer({ transcript: 'what time is it' });
  warnings.length = 0;
});

afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
  await audio.close();
  rmSync(dir, { recursive: true, force: true });
});

function speech(ffmpegPath?: string): NonNullable<GatewayOptions['speech']> {
  return {
    synthesize: createSynthesizer({ baseURL: audio.url, apiKey: 'sk-test', model: 'tts-1', format: 'wav' }),
    ...(ffmpegPath ? { ffmpegPath } : {}),
  };
}

async function start(chat: MemoryAdapter, options: Partial<GatewayOptions> = {}, store?: Store) {
  gateway = createGateway({
    store: store ?? createMemoryStore(),
    agent: createEchoAgent(),
    adapters: [chat],
    media: { dir: join(dir, 'media'), sendFrom: [dir] },
    logger: log,
    ...options,
  });
  await gateway.start();
  return gateway;
}

const voiceNote: Attachment = {
  kind: 'voice',
  mimeType: 'audio/ogg',
  fileName: 'voice.ogg',
  dataBase64: Buffer.from('OggS voice bytes').toString('base64'),
};

/** A chat with voice notes and files, like Telegram. */
const talkingChat = () => new MemoryAdapter({ name: 'chat', capabilities: { voice: true, files: true } });

describe('/voice and spoken replies', () => {
  itWithFfmpeg('/voice tts: the reply goes out with an Ogg/Opus voice note of its text', async () => {
    const chat = talkingChat();
    await start(chat, { speech: speech() });
    await chat.receive({ text: '/voice tts' });
    const [confirm] = await chat.waitForSent(1);
    expect(confirm?.text).toContain('🎙️ Voice mode tts');
    await chat.receive({ text: 'hello there' });
    const [, reply] = await chat.waitForSent(2);
    expect(reply?.text).toBe('hello there');
    expect(audio.speech).toEqual([
      expect.objectContaining({
        model: 'tts-1',
        voice: 'alloy',
        input: 'hello there',
        response_format: 'wav',
      }),
    ]);
    expect(audio.speech[0]?.authorization).toBe('Bearer sk-test');
    const file = reply?.attachments?.[0];
    expect(file).toMatchObject({ kind: 'voice', mimeType: 'audio/ogg', fileName: 'voice.ogg' });
    expect(file?.url && existsSync(file.url)).toBe(true);
    expect(readFileSync(file!.url!).subarray(0, 4).toString('latin1')).toBe('OggS');
    expect(probeAudio(file!.url!)).toEqual({ format: 'ogg', codec: 'opus', channels: 1 });
  });

  itWithFfmpeg('/voice on answers voice notes with voice and text messages with text only', async () => {
    const chat = talkingChat();
    await start(chat, { speech: speech(), transcribe: async () => 'what time is it' });
    await chat.receive({ text: '/voice on' });
    await chat.waitForSent(1);
    await chat.receive({ text: 'typed question' });
    const [, typed] = await chat.waitForSent(2);
    expect(typed?.text).toBe('typed question');
    expect(typed?.attachments ?? []).toEqual([]);
    await chat.receive({ text: '', attachments: [voiceNote] });
    const [, , spoken] = await chat.waitForSent(3);
    expect(spoken?.text).toContain('what time is it');
    expect(spoken?.attachments?.map((a) => a.kind)).toEqual(['voice']);
  });

  it('without ffmpeg the spoken reply goes out as an audio file, and the log says so once', async () => {
    const chat = talkingChat();
    await start(chat, { speech: speech(join(dir, 'no-such-ffmpeg')) });
    await chat.receive({ text: '/voice tts' });
    const [confirm] = await chat.waitForSent(1);
    expect(confirm?.text).toContain('ffmpeg is not installed');
    await chat.receive({ text: 'one' });
    await chat.waitForSent(2);
    await chat.receive({ text: 'two' });
    const replies = await chat.waitForSent(3);
    for (const reply of replies.slice(1)) {
      expect(reply.attachments).toEqual([
        expect.objectContaining({ kind: 'file', mimeType: 'audio/wav', fileName: 'speech.wav' }),
      ]);
      expect(readFileSync(reply.attachments![0]!.url!).subarray(0, 4).toString('latin1')).toBe('RIFF');
    }
    expect(warnings.filter((w) => w.includes('ffmpeg is not installed'))).toHaveLength(1);
  });

  it('/voice status tells the mode, speech and ffmpeg; /voice off stops the spoken replies', async () => {
    const chat = talkingChat();
    await start(chat, { speech: speech(join(dir, 'no-such-ffmpeg')) });
    await chat.receive({ text: '/voice status' });
    const [status] = await chat.waitForSent(1);
    expect(status?.text).toContain('Voice mode: off');
    expect(status?.text).toContain('Speech: configured');
    expect(status?.text).toContain('ffmpeg: not found');
    await chat.receive({ text: '/voice tts' });
    await chat.receive({ text: '/voice off' });
    const sent = await chat.waitForSent(3);
    expect(sent[2]?.text).toBe('🔇 Voice replies are off: replies are text only.');
    await chat.receive({ text: '/voice' });
    expect((await chat.waitForSent(4))[3]?.text).toContain('Voice mode: off');
    await chat.receive({ text: 'quiet please' });
    const reply = (await chat.waitForSent(5))[4];
    expect(reply?.text).toBe('quiet please');
    expect(reply?.attachments ?? []).toEqual([]);
    expect(audio.speech).toEqual([]);
  });

  it('without speech configured /voice on says how to configure it, and replies stay text', async () => {
    const chat = talkingChat();
    await start(chat);
    await chat.receive({ text: '/voice on' });
    const [answer] = await chat.waitForSent(1);
    expect(answer?.text).toContain('Speech is not configured: set agent.speech_model');
    await chat.receive({ text: 'hi', attachments: [] });
    const reply = (await chat.waitForSent(2))[1];
    expect(reply?.attachments ?? []).toEqual([]);
    await chat.receive({ text: '/voice join' });
    expect((await chat.waitForSent(3))[2]?.text).toContain('this platform has no voice channels');
    await chat.receive({ text: '/voice loud' });
    expect((await chat.waitForSent(4))[3]?.text).toContain('Usage: /voice [on|off|tts|status|join|leave]');
  });

  it('a platform that takes no files gets text only, and is told so', async () => {
    const chat = new MemoryAdapter({ name: 'sms' });
    await start(chat, { speech: speech() });
    await chat.receive({ text: '/voice tts' });
    expect((await chat.waitForSent(1))[0]?.text).toContain('This platform cannot receive audio');
    await chat.receive({ text: 'hello' });
    const reply = (await chat.waitForSent(2))[1];
    expect(reply?.attachments ?? []).toEqual([]);
    expect(audio.speech).toEqual([]);
  });

  it('a failing speech endpoint costs the spoken copy only: the text reply goes out', async () => {
    const chat = talkingChat();
    audio.failSpeech = true;
    await start(chat, { speech: speech() });
    await chat.receive({ text: '/voice tts' });
    await chat.receive({ text: 'still here' });
    const reply = (await chat.waitForSent(2))[1];
    expect(reply?.text).toBe('still here');
    expect(reply?.attachments ?? []).toEqual([]);
    expect(warnings).toContain('The spoken reply could not be made; the reply goes out as text');
  });

  it('the voice mode survives a restart (it is kept in the session snapshot)', async () => {
    const path = join(dir, 'state.db');
    const first = talkingChat();
    await start(first, { speech: speech(join(dir, 'no-such-ffmpeg')) }, createSqliteStore({ path }));
    await first.receive({ text: '/voice tts' });
    await first.waitForSent(1);
    await gateway?.settled?.();
    await gateway?.stop();
    gateway = undefined;

    const second = talkingChat();
    const store = createSqliteStore({ path });
    await start(second, { speech: speech(join(dir, 'no-such-ffmpeg')), closeStoreOnStop: true }, store);
    await second.receive({ text: 'after the restart', platformMessageId: 'after-1' });
    const [reply] = await second.waitForSent(1);
    expect(reply?.text).toBe('after the restart');
    expect(reply?.attachments?.map((a) => a.mimeType)).toEqual(['audio/wav']);
    const session = await gateway!.session(reply!.sessionKey);
    expect(session?.context.settings.voice).toBe('tts');
  });
});
