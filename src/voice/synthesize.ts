/**
 * Speech from text through an OpenAI-compatible audio endpoint
 * (`POST <base_url>/audio/speech`), when `agent.speech_model` is configured.
 * A session that switched provider with `/model` is spoken through that
 * provider's endpoint.
 */
import OpenAI from 'openai';
import { errorText } from '../log/runtime-logger.ts';
import { VoiceError } from './voice-error.ts';

/** The audio formats the speech endpoint can answer in. */
export const SPEECH_FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] as const;

/** One of `SPEECH_FORMATS`. */
export type SpeechFormat = (typeof SPEECH_FORMATS)[number];

/** Audio the endpoint made. */
export interface SpeechAudio {
  data: Buffer;
  /** The format asked for (the bytes' container: `opus` is Ogg/Opus). */
  format: SpeechFormat;
}

/** An endpoint other than the configured one (a session's `/model` provider). */
export interface SpeechEndpoint {
  baseURL: string;
  apiKey?: string;
}

/** Turns text into audio; `endpoint` overrides the configured server. */
export type Synthesizer = (
  text: string,
  options?: { endpoint?: SpeechEndpoint; signal?: AbortSignal },
) => Promise<SpeechAudio>;

/** Longest text the speech endpoint takes (OpenAI: 4096 characters); longer text is cut at a sentence. */
export const MAX_SPEECH_CHARS = 4096;

/**
 * Text cut to what the endpoint takes: at the last sentence end (or space) before the limit.
 *
 * @example
 * speakableText('Hello. '.repeat(1000)).length <= MAX_SPEECH_CHARS // true
 */
export function speakableText(text: string, max = MAX_SPEECH_CHARS): string {
  const trimmed = text.trim();
  if (trimmed.length <= max) return trimmed;
  const head = trimmed.slice(0, max);
  const sentence = Math.max(head.lastIndexOf('. '), head.lastIndexOf('! '), head.lastIndexOf('? '));
  const cut =
    sentence > max / 2 ? sentence + 1 : head.lastIndexOf(' ') > max / 2 ? head.lastIndexOf(' ') : max;
  return head.slice(0, cut).trim();
}

/**
 * Creates a synthesizer for an OpenAI-compatible server.
 *
 * @example
 * const speak = createSynthesizer({ baseURL: 'https://api.openai.com/v1', apiKey, model: 'tts-1' });
 * const { data, format } = await speak('Hello there');
 */
export function createSynthesizer(opts: {
  baseURL: string;
  apiKey?: string;
  model: string;
  /** Default `alloy`. */
  voice?: string;
  /** Default `mp3`. */
  format?: SpeechFormat;
  timeoutMs?: number;
}): Synthesizer {
  const clients = new Map<string, OpenAI>();
  const clientFor = (endpoint: SpeechEndpoint): OpenAI => {
    const key = `${endpoint.baseURL}\n${endpoint.apiKey ?? ''}`;
    let client = clients.get(key);
    if (!client) {
      client = new OpenAI({
        baseURL: endpoint.baseURL,
        apiKey: endpoint.apiKey ?? 'not-needed',
        timeout: opts.timeoutMs ?? 60_000,
        maxRetries: 1,
      });
      clients.set(key, client);
    }
    return client;
  };
  const format = opts.format ?? 'mp3';
  return async (text, options = {}) => {
    const endpoint = options.endpoint ?? {
      baseURL: opts.baseURL,
      ...(opts.apiKey ? { apiKey: opts.apiKey } : {}),
    };
    try {
      const response = await clientFor(endpoint).audio.speech.create(
        {
          model: opts.model,
          voice: opts.voice ?? 'alloy',
          input: speakableText(text),
          response_format: format,
        },
        options.signal ? { signal: options.signal } : {},
      );
      const data = Buffer.from(await response.arrayBuffer());
      if (data.byteLength === 0) throw new Error('the speech endpoint answered no audio');
      return { data, format };
    } catch (error) {
      throw new VoiceError('speech', `Speech failed at ${endpoint.baseURL}: ${errorText(error)}`, {
        cause: error,
      });
    }
  };
}

/**
 * The synthesizer `agent.speech_model` configures (through the agent's
 * `base_url` and `api_key`), or undefined when no model is set.
 *
 * @example
 * const speak = synthesizerFromConfig(config.agent);
 */
export function synthesizerFromConfig(agent: {
  base_url: string;
  api_key?: string;
  speech_model?: string;
  speech_voice?: string;
  speech_format?: SpeechFormat;
}): Synthesizer | undefined {
  if (!agent.speech_model) return undefined;
  return createSynthesizer({
    baseURL: agent.base_url,
    model: agent.speech_model,
    ...(agent.api_key ? { apiKey: agent.api_key } : {}),
    ...(agent.speech_voice ? { voice: agent.speech_voice } : {}),
    ...(agent.speech_format ? { format: agent.speech_format } : {}),
  });
}
