/**
 * Discord voice channels (`/voice join|leave`) against the fake Discord: the
 * main gateway answers the op 4 voice state update with VOICE_STATE_UPDATE and
 * VOICE_SERVER_UPDATE, and the fake voice server (TLS websocket + UDP IP
 * discovery on loopback) takes @discordjs/voice to Ready. Below the library,
 * Opus frames of an utterance are decoded, cut and turned into the voice note
 * the gateway transcribes.
 */
import { Readable } from 'node:stream';
import tls from 'node:tls';
import { GatewayDispatchEvents, GatewayOpcodes } from 'discord-api-types/v10';
import OpusScript from 'opusscript';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DiscordAdapter } from '../../../src/adapters/discord/index.ts';
import { pcmToWav } from '../../../src/adapters/discord/voice-channel/pcm-wav.ts';
import { collectUtterance } from '../../../src/adapters/discord/voice-channel/utterance.ts';
import { utteranceMessage } from '../../../src/adapters/discord/voice-channel/utterance-message.ts';
import type { FakeDiscord } from './fake/fake-discord.ts';
import { FAKE_VOICE_MODE, FakeVoiceServer, VOICE_TLS_CERT } from './fake/fake-voice-server.ts';
import { adapterFor, type RecordingContext, recordingContext, startFake } from './harness.ts';

tls.setDefaultCACertificates([...tls.getCACertificates('default'), VOICE_TLS_CERT]);

describe('Discord voice channels against the fake gateway and voice server', () => {
  let fake: FakeDiscord;
  let voice: FakeVoiceServer;
  let adapter: DiscordAdapter;
  let rec: RecordingContext;

  beforeEach(async () => {
    fake = await startFake();
    voice = await new FakeVoiceServer().start();
    const { world } = fake;
    fake.gateway.onVoiceStateUpdate = (update) => {
      fake.gateway.dispatch({
        t: GatewayDispatchEvents.VoiceStateUpdate,
        d: {
          guild_id: world.guildId,
          channel_id: update.channel_id,
          user_id: world.bot.id,
          session_id: 'voice-session',
          deaf: false,
          mute: false,
          self_deaf: update.self_deaf,
          self_mute: update.self_mute,
          self_video: false,
          suppress: false,
          request_to_speak_timestamp: null,
        },
      });
      if (update.channel_id) {
        fake.gateway.dispatch({
          t: GatewayDispatchEvents.VoiceServerUpdate,
          d: { token: 'voice-token', guild_id: world.guildId, endpoint: voice.endpoint },
        });
      }
    };
    adapter = adapterFor(fake, { requireMention: false, voiceChannels: { readyTimeoutMs: 10_000 } });
    rec = recordingContext();
    await adapter.start(rec.ctx);
  });

  afterEach(async () => {
    await adapter.stop();
    await voice.close();
    await fake.close();
  });

  const voiceStateUpdates = () =>
    fake.gateway.received.filter((p) => p.op === GatewayOpcodes.VoiceStateUpdate);

  /** Puts the human in the voice channel; a message after it proves the client has seen it. */
  async function humanJoinsVoice(): Promise<void> {
    const { world } = fake;
    fake.gateway.dispatch({
      t: GatewayDispatchEvents.VoiceStateUpdate,
      d: {
        guild_id: world.guildId,
        channel_id: world.voiceChannel.id,
        user_id: world.human.id,
        session_id: 'human-session',
        deaf: false,
        mute: false,
        self_deaf: false,
        self_mute: false,
        self_video: false,
        suppress: false,
        request_to_speak_timestamp: null,
      },
    });
    fake.userSends(world.textChannel.id, 'here');
    await vi.waitFor(() => expect(rec.ingested).toHaveLength(1));
  }

  it('refuses to join when the caller is in no voice channel, and asks the gateway for nothing', async () => {
    const answer = await adapter.voiceChannels.join(fake.world.textChannel.id, fake.world.human.id);
    expect(answer.done).toBe(false);
    expect(answer.text).toMatch(/not in a voice channel/);
    expect(voiceStateUpdates()).toHaveLength(0);
  });

  it('joins the caller’s voice channel: op 4 for that channel, identify, IP discovery, Ready', async () => {
    const { world } = fake;
    await humanJoinsVoice();
    const answer = await adapter.voiceChannels.join(world.textChannel.id, world.human.id);
    expect(answer).toEqual({ done: true, text: expect.stringContaining('Joined 🔊 Lounge') });
    expect(voiceStateUpdates().at(-1)?.d).toMatchObject({
      guild_id: world.guildId,
      channel_id: world.voiceChannel.id,
      self_deaf: false,
    });
    const identify = voice.received.find((p) => p.op === 0);
    expect(identify?.d).toMatchObject({
      server_id: world.guildId,
      user_id: world.bot.id,
      session_id: 'voice-session',
      token: 'voice-token',
    });
    expect(voice.discoveries).toBe(1);
    expect(voice.received.find((p) => p.op === 1)?.d).toMatchObject({
      protocol: 'udp',
      data: { address: '127.0.0.1', mode: FAKE_VOICE_MODE },
    });
  });

  it('leaves: op 4 with no channel and the voice websocket closed; a second leave says so', async () => {
    const { world } = fake;
    await humanJoinsVoice();
    expect((await adapter.voiceChannels.join(world.textChannel.id, world.human.id)).done).toBe(true);
    const left = await adapter.voiceChannels.leave(world.textChannel.id);
    expect(left).toEqual({ done: true, text: expect.stringContaining('Left 🔊 Lounge') });
    await vi.waitFor(() =>
      expect(voiceStateUpdates().at(-1)?.d).toMatchObject({ guild_id: world.guildId, channel_id: null }),
    );
    await vi.waitFor(() => expect(voice.closedSockets).toBe(1));
    expect((await adapter.voiceChannels.leave(world.textChannel.id)).done).toBe(false);
  });
});

/** `seconds` of a 440 Hz tone as 48 kHz stereo 16-bit PCM, cut into 20 ms Opus frames. */
function opusFrames(seconds: number): Buffer[] {
  const encoder = new OpusScript(48_000, 2, OpusScript.Application.VOIP);
  const frames: Buffer[] = [];
  const samples = 960;
  for (let f = 0; f < Math.round(seconds / 0.02); f++) {
    const pcm = Buffer.alloc(samples * 4);
    for (let i = 0; i < samples; i++) {
      const v = Math.round(8000 * Math.sin((2 * Math.PI * 440 * (f * samples + i)) / 48_000));
      pcm.writeInt16LE(v, i * 4);
      pcm.writeInt16LE(v, i * 4 + 2);
    }
    frames.push(Buffer.from(encoder.encode(pcm, samples)));
  }
  encoder.delete();
  return frames;
}

describe('utterances heard in a voice channel', () => {
  it('decodes the Opus frames of an utterance into a WAV voice note of the same length', async () => {
    const utterance = await collectUtterance(Readable.from(opusFrames(0.6)));
    expect(utterance?.seconds).toBeCloseTo(0.6, 2);
    const wav = utterance?.wav ?? Buffer.alloc(0);
    expect(wav.subarray(0, 4).toString()).toBe('RIFF');
    expect(wav.readUInt32LE(24)).toBe(48_000);
    expect(wav.readUInt16LE(22)).toBe(2);
    // the decoded tone is sound, not silence
    const peak = Math.max(
      ...Array.from({ length: 2000 }, (_, i) => Math.abs(wav.readInt16LE(44 + 20_000 + i * 2))),
    );
    expect(peak).toBeGreaterThan(2000);
  });

  it('drops an utterance shorter than 0.3 s (a click)', async () => {
    expect(await collectUtterance(Readable.from(opusFrames(0.1)))).toBeUndefined();
  });

  it('becomes a voice note from the speaker in the text channel that joined', () => {
    const wav = pcmToWav(Buffer.alloc(48_000 * 4));
    const message = utteranceMessage(
      { chatId: 'text-1', userId: 'u-1', userName: 'Alice' },
      { wav, seconds: 1 },
    );
    expect(message).toMatchObject({
      platform: 'discord',
      chatType: 'group',
      chatId: 'text-1',
      userId: 'u-1',
      text: '',
    });
    expect(message.attachments?.[0]).toMatchObject({
      kind: 'voice',
      mimeType: 'audio/wav',
      sizeBytes: wav.length,
    });
    expect(Buffer.from(message.attachments?.[0]?.dataBase64 ?? '', 'base64').equals(wav)).toBe(true);
  });
});
