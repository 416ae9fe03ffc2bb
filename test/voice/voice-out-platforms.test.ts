/**
 * Spoken replies on real platform wires (each adapter's loopback fake): after
 * `/voice tts`, a reply reaches the person with its text and an Ogg/Opus voice
 * note, as a Telegram `sendVoice` voice note, a WhatsApp push-to-talk note, a
 * Matrix voice message, and an `.ogg` audio file on Discord and Slack. The
 * bytes the platform received are checked with ffprobe.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { createEchoAgent } from '../../src/agent/echo-agent.ts';
import { createSynthesizer } from '../../src/voice/synthesize.ts';
import type { PeerFile } from '../adapters/contract/adapter-contract.ts';
import { itWithFfmpeg, probeAudio } from './ffmpeg-required.ts';
import { type AudioPlatform, until, usePlatformRig } from './platform-rig.ts';

/** Platform and the kind of file the person sees. */
const platforms: [AudioPlatform, PeerFile['kind']][] = [
  ['telegram', 'voice'],
  ['whatsapp', 'voice'],
  ['matrix', 'voice'],
  // Discord's voice messages need a recorded waveform: the note goes as an .ogg audio file
  ['discord', 'file'],
  ['slack', 'voice'],
];

describe('spoken replies reach the person on every platform that takes audio', () => {
  const start = usePlatformRig();

  for (const [platform, kind] of platforms) {
    itWithFfmpeg(
      `${platform}: /voice tts, then the reply comes with an Ogg/Opus voice note`,
      async () => {
        const { harness, audio } = await start(platform, (fake) => ({
          agent: createEchoAgent(),
          speech: { synthesize: createSynthesizer({ baseURL: fake.url, model: 'tts-1', format: 'wav' }) },
        }));
        const { dm, peer } = harness;
        await peer.userSends(dm, '/voice tts');
        await until(async () => (await peer.botMessages(dm)).find((m) => m.text.includes('Voice mode tts')));
        await peer.userSends(dm, 'good night');
        const file = await until(async () =>
          (await peer.botMessages(dm)).flatMap((m) => m.files).find((f) => f.data.length > 0),
        );
        expect((await peer.botMessages(dm)).some((m) => m.text.includes('good night'))).toBe(true);
        expect(file.kind).toBe(kind);
        expect(file.fileName).toMatch(/\.ogg$/);
        expect(file.data.subarray(0, 4).toString('latin1')).toBe('OggS');
        const path = join(tmpdir(), `hermes-voice-received-${process.pid}-${platform}.ogg`);
        writeFileSync(path, file.data);
        try {
          expect(probeAudio(path)).toMatchObject({ format: 'ogg', codec: 'opus' });
        } finally {
          rmSync(path, { force: true });
        }
        expect(audio.speech.map((s) => s.input)).toEqual(['good night']);
      },
      30_000,
    );
  }
});
