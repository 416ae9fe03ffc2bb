/**
 * Voice-note transcription through an OpenAI-compatible audio endpoint
 * (`POST <base_url>/audio/transcriptions`), used by adapters that receive voice
 * notes when `agent.transcription_model` is configured.
 */
import OpenAI, { toFile } from 'openai';

/** Audio to transcribe. */
export interface AudioInput {
  data: Uint8Array;
  mimeType: string;
  fileName: string;
}

/** Turns audio into text. */
export type Transcriber = (audio: AudioInput) => Promise<string>;

/**
 * Creates a transcriber for an OpenAI-compatible server.
 *
 * @example
 * const transcribe = createTranscriber({ baseURL: 'https://api.openai.com/v1', apiKey, model: 'whisper-1' });
 * const text = await transcribe({ data, mimeType: 'audio/ogg', fileName: 'voice.ogg' });
 */
export function createTranscriber(opts: {
  baseURL: string;
  apiKey?: string;
  model: string;
  timeoutMs?: number;
}): Transcriber {
  const client = new OpenAI({
    baseURL: opts.baseURL,
    apiKey: opts.apiKey ?? 'not-needed',
    timeout: opts.timeoutMs ?? 60_000,
    maxRetries: 1,
  });
  return async (audio) => {
    const file = await toFile(Buffer.from(audio.data), audio.fileName, { type: audio.mimeType });
    const result = await client.audio.transcriptions.create({ file, model: opts.model });
    return result.text.trim();
  };
}
