/**
 * A gateway on one platform's loopback fake (the harness its adapter tests use)
 * with a fake audio server, for the voice tests that go through real wires;
 * stopped and removed after each test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/runtime/create-gateway.ts';
import type { ContractHarness } from '../adapters/contract/adapter-contract.ts';
import { createDiscordHarness } from '../adapters/discord/harness.ts';
import { createMatrixHarness } from '../adapters/matrix/matrix-world.ts';
import { createSlackHarness } from '../adapters/slack/harness.ts';
import { createTelegramHarness } from '../adapters/telegram/harness.ts';
import { makeWhatsAppHarness } from '../adapters/whatsapp/harness.ts';
import { type FakeAudioServer, startFakeAudioServer } from './fake-audio-server.ts';

/** The platforms with audio and how to start each one's fake. */
export const HARNESSES = {
  telegram: createTelegramHarness,
  whatsapp: makeWhatsAppHarness,
  matrix: createMatrixHarness,
  discord: createDiscordHarness,
  slack: () => createSlackHarness('socket'),
} satisfies Record<string, () => Promise<ContractHarness>>;

/** A platform name of `HARNESSES`. */
export type AudioPlatform = keyof typeof HARNESSES;

/** A running gateway on a platform's fake. */
export interface PlatformRig {
  harness: ContractHarness;
  audio: FakeAudioServer;
  gateway: Gateway;
}

/**
 * Waits (bounded) until `check` gives a value.
 *
 * @example
 * const reply = await until(async () => (await peer.botMessages(dm))[0]);
 */
export async function until<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Registers the cleanup and returns `start`, which starts a platform's fake, a
 * fake audio server and a gateway with the options `options` makes.
 *
 * @example
 * const start = usePlatformRig();
 * const { harness } = await start('slack', (audio) => ({ agent, transcribe: createTranscriber({ baseURL: audio.url, model: 'whisper-1' }) }));
 */
export function usePlatformRig() {
  let rig: (PlatformRig & { dir: string }) | undefined;
  afterEach(async () => {
    const ending = rig;
    rig = undefined;
    if (!ending) return;
    await ending.gateway.stop();
    await ending.harness.close();
    await ending.audio.close();
    rmSync(ending.dir, { recursive: true, force: true });
  });
  return async (
    platform: AudioPlatform,
    options: (audio: FakeAudioServer) => Pick<GatewayOptions, 'agent'> & Partial<GatewayOptions>,
    audioOptions: { transcript?: string } = {},
  ): Promise<PlatformRig> => {
    const harness = await HARNESSES[platform]();
    const audio = await startFakeAudioServer(audioOptions);
    const dir = mkdtempSync(join(tmpdir(), `hermes-voice-${platform}-`));
    const gateway = createGateway({
      store: createMemoryStore(),
      adapters: [harness.adapter],
      media: { dir: join(dir, 'media') },
      ...options(audio),
    });
    rig = { harness, audio, gateway, dir };
    await gateway.start();
    return rig;
  };
}
