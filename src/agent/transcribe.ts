/**
 * Voice-note transcription through an OpenAI-compatible audio endpoint
 * (`POST <base_url>/audio/transcriptions`), when `agent.transcription_model` is
 * configured: the gateway transcribes the voice notes of every adapter that
 * declares voice at ingest (Telegram's adapter does it itself).
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

/**
 * The transcriber `agent.transcription_model` configures (through the agent's
 * `base_url` and `api_key`), or undefined when no model is set.
 *
 * @example
 * const transcribe = transcriberFromConfig(config.agent);
 */
export function transcriberFromConfig(agent: {
  base_url: string;
  api_key?: string;
  transcription_model?: string;
}): Transcriber | undefined {
  if (!agent.transcription_model) return undefined;
  return createTranscriber({
    baseURL: agent.base_url,
    model: agent.transcription_model,
    ...(agent.api_key ? { apiKey: agent.api_key } : {}),
  });
}
