/**
 * Voice notes become text through the OpenAI-compatible audio endpoint when
 * `agent.transcription_model` is set, and reach the Telegram adapter's options.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { telegramPlatform } from '../../src/adapters/telegram/index.ts';
import { createTranscriber } from '../../src/agent/transcribe.ts';
import { type FakeModelServer, startFakeModelServer } from '../fakes/fake-model-server.ts';

let server: FakeModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('voice transcription', () => {
  it('sends the audio as a file with the configured model and returns the text', async () => {
    server = await startFakeModelServer({ transcript: ' please check the deploy \n' });
    const transcribe = createTranscriber({ baseURL: server.url, apiKey: 'k', model: 'whisper-1' });
    const text = await transcribe({
      data: new Uint8Array([79, 103, 103, 83]),
      mimeType: 'audio/ogg',
      fileName: 'voice.ogg',
    });
    expect(text).toBe('please check the deploy');
    expect(server.transcriptions).toEqual([
      {
        model: 'whisper-1',
        fileName: 'voice.ogg',
        contentType: expect.stringMatching(/^multipart\/form-data; boundary=/),
      },
    ]);
  });

  it('is handed to the platforms that take voice notes', () => {
    const env = { TELEGRAM_BOT_TOKEN: '123456789:AAEverySecretTokenValue_abcdefghij12345' };
    const transcribe = createTranscriber({ baseURL: 'http://127.0.0.1:9/v1', model: 'whisper-1' });
    const withIt = telegramPlatform.read({ env, extra: {}, home: '/tmp/hermes-home', transcribe });
    const without = telegramPlatform.read({ env, extra: {}, home: '/tmp/hermes-home' });
    expect(withIt.configured && 'options' in withIt && withIt.options.transcribe).toBe(transcribe);
    expect(without.configured && 'options' in without && without.options.transcribe).toBeUndefined();
  });
});
