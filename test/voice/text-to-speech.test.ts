/**
 * The `text_to_speech` tool: it speaks text into a file of the media folder and
 * answers a `MEDIA:/path` line naming it; through the gateway the agent's call
 * makes the reply carry the audio file; without speech configured the agent is
 * not offered the tool.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/adapters/contract.ts';
import { createOpenAIAgent } from '../../src/agent/openai-agent.ts';
import { createTextToSpeechTool } from '../../src/agent/tools/text-to-speech.ts';
import { silentLogger } from '../../src/log/runtime-logger.ts';
import { MediaStore } from '../../src/media/media-store.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import { createSynthesizer } from '../../src/voice/synthesize.ts';
import { VoiceReplies } from '../../src/voice/voice-replies.ts';
import { type FakeModelServer, startFakeModelServer } from '../fakes/fake-model-server.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';
import { type FakeAudioServer, startFakeAudioServer } from './fake-audio-server.ts';
import { itWithFfmpeg, probeAudio } from './ffmpeg-required.ts';

let dir: string;
let audio: FakeAudioServer;
let model: FakeModelServer | undefined;
let gateway: Gateway | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hermes-tts-'));
  audio = await startFakeAudioServer();
});

afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
  await model?.close();
  model = undefined;
  await audio.close();
  rmSync(dir, { recursive: true, force: true });
});

function voiceReplies(ffmpegPath?: string): VoiceReplies {
  return new VoiceReplies({
    speech: {
      synthesize: createSynthesizer({ baseURL: audio.url, model: 'tts-1', voice: 'nova', format: 'wav' }),
      ...(ffmpegPath ? { ffmpegPath } : {}),
    },
    media: new MediaStore({ dir: join(dir, 'media') }),
    capabilities: () => undefined,
    log: silentLogger,
  });
}

const ctx = () => ({ signal: new AbortController().signal, sessionKey: 'chat:dm:1' });

/** The path named by the tool result's `MEDIA:` line. */
function mediaPath(result: string): string {
  const path = /^MEDIA:(.+)$/m.exec(result)?.[1];
  if (!path) throw new Error(`no MEDIA line in: ${result}`);
  return path;
}

/** The delivered message with this text (tool progress messages come before it). */
async function replyWith(chat: MemoryAdapter, text: string): Promise<OutboundMessage> {
  for (let n = 1; ; n++) {
    const sent = await chat.waitForSent(n);
    const found = sent.find((m) => m.text === text);
    if (found) return found;
  }
}

describe('text_to_speech', () => {
  itWithFfmpeg('returns a MEDIA line naming an Ogg/Opus file it made in the media folder', async () => {
    const tool = createTextToSpeechTool({ voice: voiceReplies() });
    const result = await tool.execute({ text: 'Good morning, Ana.' }, ctx());
    const path = mediaPath(result);
    expect(path.startsWith(join(dir, 'media'))).toBe(true);
    expect(existsSync(path)).toBe(true);
    expect(probeAudio(path)).toMatchObject({ format: 'ogg', codec: 'opus' });
    expect(audio.speech).toEqual([expect.objectContaining({ input: 'Good morning, Ana.', voice: 'nova' })]);
  });

  it('without ffmpeg the file is the audio the endpoint made', async () => {
    const tool = createTextToSpeechTool({ voice: voiceReplies(join(dir, 'missing-ffmpeg')) });
    const path = mediaPath(await tool.execute({ text: 'hello' }, ctx()));
    expect(path.endsWith('.wav')).toBe(true);
    expect(readFileSync(path).subarray(0, 4).toString('latin1')).toBe('RIFF');
  });

  it('answers an error the model can read when there is no text or the endpoint fails', async () => {
    const tool = createTextToSpeechTool({ voice: voiceReplies() });
    expect(await tool.execute({ text: '  ' }, ctx())).toBe('Error: give the text to speak in "text".');
    audio.failSpeech = true;
    expect(await tool.execute({ text: 'hello' }, ctx())).toMatch(
      /^Error: the speech could not be made \(.*speech is down/,
    );
  });

  it('through the gateway, the agent calling it sends the audio with its reply; without speech it is not offered', async () => {
    model = await startFakeModelServer();
    model.script(
      { kind: 'tool_calls', calls: [{ name: 'text_to_speech', arguments: '{"text":"Time to stretch!"}' }] },
      { kind: 'text', text: 'Here is your reminder.' },
      { kind: 'text', text: 'No voice here.' },
    );
    const agent = createOpenAIAgent({ baseURL: model.url, apiKey: 'k', model: 'fake-model', maxRetries: 0 });
    const chat = new MemoryAdapter({ name: 'chat', capabilities: { voice: true, files: true } });
    gateway = createGateway({
      store: createMemoryStore(),
      agent,
      adapters: [chat],
      media: { dir: join(dir, 'media'), sendFrom: [dir] },
      speech: {
        synthesize: createSynthesizer({ baseURL: audio.url, model: 'tts-1', format: 'wav' }),
        ffmpegPath: join(dir, 'missing-ffmpeg'),
      },
    });
    await gateway.start();
    await chat.receive({ text: 'say it out loud' });
    const reply = await replyWith(chat, 'Here is your reminder.');
    expect(reply?.attachments).toEqual([expect.objectContaining({ mimeType: 'audio/wav' })]);
    expect(existsSync(reply!.attachments![0]!.url!)).toBe(true);
    expect(model.requests[0]?.tools?.map((t) => t.function.name)).toContain('text_to_speech');
    await gateway.stop();

    const quiet = new MemoryAdapter({ name: 'chat', capabilities: { voice: true, files: true } });
    gateway = createGateway({ store: createMemoryStore(), agent, adapters: [quiet] });
    await gateway.start();
    await quiet.receive({ text: 'hello' });
    await replyWith(quiet, 'No voice here.');
    expect(model.requests.at(-1)?.tools?.map((t) => t.function.name) ?? []).not.toContain('text_to_speech');
  });
});
