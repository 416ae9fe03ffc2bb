/**
 * Voice input on every platform that receives audio: a voice note a person
 * sends on Slack, Discord, Matrix or WhatsApp (through each adapter's own
 * loopback fake) is stored, transcribed through the configured
 * `/audio/transcriptions` endpoint, and reaches the agent as the text of the
 * message; the reply comes back to the chat.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Agent, AgentRequest } from '../../src/agent/agent.ts';
import { createTranscriber } from '../../src/agent/transcribe.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import type { ContractHarness } from '../adapters/contract/adapter-contract.ts';
import { createDiscordHarness } from '../adapters/discord/harness.ts';
import { createMatrixHarness } from '../adapters/matrix/matrix-world.ts';
import { createSlackHarness } from '../adapters/slack/harness.ts';
import { makeWhatsAppHarness } from '../adapters/whatsapp/harness.ts';
import { type FakeAudioServer, startFakeAudioServer } from './fake-audio-server.ts';
import { sineWav } from './wav.ts';

/** What the agent was given: the last user message's text and its files. */
interface Heard {
  text: string;
  attachments: { kind: string; transcribed?: boolean }[];
}

/** An agent that records the last user message it was given and answers "heard: <it>". */
function listeningAgent(heard: Heard[]): Agent {
  return {
    name: 'listening',
    async run(request: AgentRequest) {
      const last = request.messages.at(-1);
      const text = typeof last?.content === 'string' ? last.content : '';
      heard.push({ text, attachments: last?.attachments ?? [] });
      return {
        text: `heard: ${text.split('\n')[0]}`,
        usage: { inputTokens: 1, outputTokens: 1 },
        messages: [],
      };
    },
  } as Agent;
}

async function until<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const platforms: [string, () => Promise<ContractHarness>, string][] = [
  ['slack', () => createSlackHarness('socket'), 'audio_message.ogg'],
  ['discord', createDiscordHarness, 'voice-message.ogg'],
  ['matrix', createMatrixHarness, 'voice.ogg'],
  ['whatsapp', makeWhatsAppHarness, 'voice.ogg'],
];

describe('voice notes are transcribed on every platform that receives audio', () => {
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

  for (const [platform, create, fileName] of platforms) {
    it(`${platform}: a voice note reaches the agent as its transcript`, async () => {
      harness = await create();
      audio = await startFakeAudioServer({ transcript: 'please water the plants' });
      dir = mkdtempSync(join(tmpdir(), `hermes-voice-in-${platform}-`));
      const heard: Heard[] = [];
      gateway = createGateway({
        store: createMemoryStore(),
        agent: listeningAgent(heard),
        adapters: [harness.adapter],
        media: { dir: join(dir, 'media') },
        transcribe: createTranscriber({ baseURL: audio.url, model: 'whisper-1' }),
      });
      expect(harness.adapter.capabilities.voice).toBe(true);
      await gateway.start();
      await harness.peer.userSends(harness.dm, '', {
        kind: 'voice',
        fileName,
        mimeType: 'audio/ogg',
        data: sineWav({ ms: 200 }),
      });
      const message = await until(() => heard[0]);
      expect(message.text).toBe('please water the plants');
      expect(message.attachments).toEqual([expect.objectContaining({ kind: 'voice', transcribed: true })]);
      expect(audio.transcriptions).toHaveLength(1);
      const dm = harness.dm;
      const replies = await until(async () => {
        const seen = await harness?.peer.botMessages(dm);
        return seen?.some((m) => m.text.includes('heard: please water the plants')) ? seen : undefined;
      });
      expect(replies.length).toBeGreaterThan(0);
    }, 30_000);
  }
});
