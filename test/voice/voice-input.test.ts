/**
 * Voice input on every platform that receives audio: a voice note a person
 * sends on Slack, Discord, Matrix or WhatsApp (through each adapter's own
 * loopback fake) is stored, transcribed through the configured
 * `/audio/transcriptions` endpoint, and reaches the agent as the text of the
 * message; the reply comes back to the chat.
 */
import { describe, expect, it } from 'vitest';
import type { Agent, AgentRequest } from '../../src/agent/agent.ts';
import { createTranscriber } from '../../src/agent/transcribe.ts';
import { type AudioPlatform, until, usePlatformRig } from './platform-rig.ts';
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

const platforms: [AudioPlatform, string][] = [
  ['slack', 'audio_message.ogg'],
  ['discord', 'voice-message.ogg'],
  ['matrix', 'voice.ogg'],
  ['whatsapp', 'voice.ogg'],
];

describe('voice notes are transcribed on every platform that receives audio', () => {
  const start = usePlatformRig();

  for (const [platform, fileName] of platforms) {
    it(`${platform}: a voice note reaches the agent as its transcript`, async () => {
      const heard: Heard[] = [];
      const { harness, audio } = await start(
        platform,
        (fake) => ({
          agent: listeningAgent(heard),
          transcribe: createTranscriber({ baseURL: fake.url, model: 'whisper-1' }),
        }),
        { transcript: 'please water the plants' },
      );
      expect(harness.adapter.capabilities.voice).toBe(true);
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
      await until(async () =>
        (await harness.peer.botMessages(dm)).find((m) => m.text.includes('heard: please water the plants')),
      );
    }, 30_000);
  }
});
