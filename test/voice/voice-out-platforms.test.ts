/**
 * Spoken replies on real platform wires (each adapter's loopback fake): after
 * `/voice tts`, a reply reaches the person with its text and an Ogg/Opus voice
 * note, as a Telegram `sendVoice` voice note, a WhatsApp push-to-talk note, a
 * Matrix voice message, and an `.ogg` audio file on Discord and Slack. The bytes the
 * platform received are checked with ffprobe.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { createEchoAgent } from '../../src/agent/echo-agent.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import { createSynthesizer } from '../../src/voice/synthesize.ts';
import type { ContractHarness, PeerFile } from '../adapters/contract/adapter-contract.ts';
import { createDiscordHarness } from '../adapters/discord/harness.ts';
import { createMatrixHarness } from '../adapters/matrix/matrix-world.ts';
import { createSlackHarness } from '../adapters/slack/harness.ts';
import { createTelegramHarness } from '../adapters/telegram/harness.ts';
import { makeWhatsAppHarness } from '../adapters/whatsapp/harness.ts';
import { type FakeAudioServer, startFakeAudioServer } from './fake-audio-server.ts';
import { itWithFfmpeg, probeAudio } from './ffmpeg-required.ts';

async function until<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Platform, its harness, and the kind of file the person sees. */
const platforms: [string, () => Promise<ContractHarness>, PeerFile['kind']][] = [
  ['telegram', createTelegramHarness, 'voice'],
  ['whatsapp', makeWhatsAppHarness, 'voice'],
  ['matrix', createMatrixHarness, 'voice'],
  // Discord's voice messages need a recorded waveform: the note goes as an .ogg audio file
  ['discord', createDiscordHarness, 'file'],
  ['slack', () => createSlackHarness('socket'), 'voice'],
];

describe('spoken replies reach the person on every platform that takes audio', () => {
  let harness: ContractHarness | undefined;
  let gateway: Gateway | undefined;
  let audio: FakeAudioServer | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    await gateway?.stop();
    await harness?.close();
    await audio?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    gateway = harness = audio = dir = undefined;
  });

  for (const [platform, create, kind] of platforms) {
    itWithFfmpeg(
      `${platform}: /voice tts, then the reply comes with an Ogg/Opus voice note`,
      async () => {
        harness = await create();
        audio = await startFakeAudioServer();
        dir = mkdtempSync(join(tmpdir(), `hermes-voice-out-${platform}-`));
        gateway = createGateway({
          store: createMemoryStore(),
          agent: createEchoAgent(),
          adapters: [harness.adapter],
          media: { dir: join(dir, 'media') },
          speech: { synthesize: createSynthesizer({ baseURL: audio.url, model: 'tts-1', format: 'wav' }) },
        });
        await gateway.start();
        const dm = harness.dm;
        const peer = harness.peer;
        await peer.userSends(dm, '/voice tts');
        await until(async () =>
          (await peer.botMessages(dm)).some((m) => m.text.includes('Voice mode tts')) ? true : undefined,
        );
        await peer.userSends(dm, 'good night');
        const file = await until(async () =>
          (await peer.botMessages(dm)).flatMap((m) => m.files).find((f) => f.data.length > 0),
        );
        const seen = await peer.botMessages(dm);
        expect(seen.some((m) => m.text.includes('good night'))).toBe(true);
        expect(file.kind).toBe(kind);
        expect(file.fileName).toMatch(/\.ogg$/);
        expect(file.data.subarray(0, 4).toString('latin1')).toBe('OggS');
        const path = join(dir, 'received.ogg');
        writeFileSync(path, file.data);
        expect(probeAudio(path)).toMatchObject({ format: 'ogg', codec: 'opus' });
        expect(audio.speech.map((s) => s.input)).toEqual(['good night']);
      },
      30_000,
    );
  }
});
