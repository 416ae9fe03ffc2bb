/**
 * Spoken replies, the hook between an agent's answer and the outbox: when the
 * session's voice mode asks for it (`/voice on|tts`), the answer's text is
 * spoken (`agent.speech_model`), converted to an Ogg/Opus voice note with
 * ffmpeg, stored in the media folder and attached to the reply, which goes out
 * through the outbox like any reply with files. Platforms with voice notes
 * (Telegram `sendVoice`, WhatsApp push-to-talk, Matrix voice messages) get a
 * voice note (`kind: 'voice'`), others an audio file. Without ffmpeg the audio
 * goes out as a file in the format the endpoint answered, and the log says so
 * once. A failure of speech never costs the text reply: it is logged.
 */
import type { AdapterCapabilities, Attachment } from '../adapters/contract.ts';
import { errorText, type RuntimeLogger } from '../log/runtime-logger.ts';
import type { AgentRunInput } from '../machines/session.ts';
import type { MediaStore } from '../media/media-store.ts';
import { DEFAULT_FFMPEG, ffmpegAvailable, toVoiceNote } from './convert.ts';
import type { SpeechEndpoint, SpeechFormat, Synthesizer } from './synthesize.ts';
import { VoiceError } from './voice-error.ts';
import { speaksReply, type VoiceMode, voiceModeOf } from './voice-mode.ts';

/** Speech as `createGateway()` takes it. */
export interface SpeechOptions {
  /** Makes speech (`createSynthesizer()`, `synthesizerFromConfig()`). */
  synthesize: Synthesizer;
  /** The ffmpeg binary (default `ffmpeg` on PATH). */
  ffmpegPath?: string;
}

/** What spoken replies need. */
export interface VoiceRepliesDeps {
  /** Absent: speech is not configured (nothing is spoken; `/voice status` says so). */
  speech?: SpeechOptions | undefined;
  media: MediaStore;
  /** The capabilities of a platform's adapter. */
  capabilities: (platform: string) => AdapterCapabilities | undefined;
  log: RuntimeLogger;
}

/** What `/voice status` reports. */
export interface VoiceStatus {
  /** Whether `agent.speech_model` (or `createGateway({ speech })`) is set. */
  speechConfigured: boolean;
  /** Whether ffmpeg runs. */
  ffmpeg: boolean;
  /** Whether the platform can receive audio at all (it takes files and someone reads the chat). */
  platformSendsAudio: boolean;
  /** Whether it has real voice notes (declares voice). */
  platformVoiceNotes: boolean;
}

/** The mime type of each speech format as the endpoint sends it. */
const FORMAT_TYPES: Record<SpeechFormat, { mimeType: string; extension: string }> = {
  mp3: { mimeType: 'audio/mpeg', extension: 'mp3' },
  opus: { mimeType: 'audio/ogg', extension: 'ogg' },
  aac: { mimeType: 'audio/aac', extension: 'aac' },
  flac: { mimeType: 'audio/flac', extension: 'flac' },
  wav: { mimeType: 'audio/wav', extension: 'wav' },
  pcm: { mimeType: 'application/octet-stream', extension: 'pcm' },
};

/** A spoken text stored in the media folder. */
export interface SpokenFile {
  path: string;
  mimeType: string;
  fileName: string;
  sizeBytes: number;
  /** Ogg/Opus: can go out as a voice note. */
  voiceNote: boolean;
}

/**
 * Spoken replies and speech files for the runtime.
 *
 * @example
 * const voice = new VoiceReplies({ speech: { synthesize }, media, capabilities, log });
 * const attachment = await voice.replyAttachment(input, answerText);
 */
export class VoiceReplies {
  readonly #deps: VoiceRepliesDeps;
  #ffmpeg: Promise<boolean> | undefined;
  #toldNoFfmpeg = false;

  constructor(deps: VoiceRepliesDeps) {
    this.#deps = deps;
  }

  /** Whether speech is configured. */
  get configured(): boolean {
    return this.#deps.speech !== undefined;
  }

  /** Whether ffmpeg runs (asked once). */
  ffmpeg(): Promise<boolean> {
    this.#ffmpeg ??= ffmpegAvailable(this.#deps.speech?.ffmpegPath ?? DEFAULT_FFMPEG);
    return this.#ffmpeg;
  }

  /** Whether `platform` can receive a spoken reply (it takes files and a person reads it). */
  sendsAudio(platform: string): boolean {
    const caps = this.#deps.capabilities(platform);
    return caps?.files === true && caps.headless !== true;
  }

  /** What `/voice status` reports for a chat on `platform`. */
  async status(platform: string): Promise<VoiceStatus> {
    return {
      speechConfigured: this.configured,
      ffmpeg: await this.ffmpeg(),
      platformSendsAudio: this.sendsAudio(platform),
      platformVoiceNotes: this.#deps.capabilities(platform)?.voice === true,
    };
  }

  /**
   * Speaks `text` into a file of the media folder: an Ogg/Opus voice note where
   * ffmpeg is found (or the endpoint answered Opus), else the endpoint's format.
   *
   * @throws VoiceError when speech is not configured, the endpoint or ffmpeg fails.
   */
  async speak(
    text: string,
    options: { endpoint?: SpeechEndpoint; signal?: AbortSignal } = {},
  ): Promise<SpokenFile> {
    const speech = this.#deps.speech;
    if (!speech) {
      throw new VoiceError('speech', 'Speech is not configured: set agent.speech_model (e.g. tts-1)');
    }
    const audio = await speech.synthesize(text, options);
    let data = audio.data;
    let { mimeType, extension } = FORMAT_TYPES[audio.format];
    let voiceNote = audio.format === 'opus';
    if (!voiceNote) {
      if (await this.ffmpeg()) {
        data = await toVoiceNote(audio, speech.ffmpegPath);
        ({ mimeType, extension } = FORMAT_TYPES.opus);
        voiceNote = true;
      } else if (!this.#toldNoFfmpeg) {
        this.#toldNoFfmpeg = true;
        this.#deps.log.warn(
          { ffmpeg: speech.ffmpegPath ?? DEFAULT_FFMPEG, format: audio.format },
          'ffmpeg is not installed: spoken replies go out as audio files, not voice notes (install ffmpeg to send voice notes)',
        );
      }
    }
    const fileName = `${voiceNote ? 'voice' : 'speech'}.${extension}`;
    const stored = await this.#deps.media.put(data, mimeType, fileName);
    return { path: stored.path, mimeType, fileName, sizeBytes: stored.sizeBytes, voiceNote };
  }

  /**
   * The spoken copy of a reply, as an attachment, when the session's voice mode
   * asks for one and the platform can receive it; undefined otherwise or when
   * speech failed (logged: the text reply goes out anyway).
   */
  async replyAttachment(
    input: Pick<AgentRunInput, 'platform' | 'sessionKey' | 'settings' | 'run'>,
    text: string,
    options: { endpoint?: SpeechEndpoint; signal?: AbortSignal } = {},
  ): Promise<Attachment | undefined> {
    const mode: VoiceMode = voiceModeOf(input.settings);
    if (!this.configured || !text.trim() || !speaksReply(mode, input.run.messages)) return undefined;
    if (!this.sendsAudio(input.platform)) return undefined;
    try {
      const file = await this.speak(text, options);
      const voiceNotes = this.#deps.capabilities(input.platform)?.voice === true;
      return {
        kind: file.voiceNote && voiceNotes ? 'voice' : 'file',
        url: file.path,
        mimeType: file.mimeType,
        fileName: file.fileName,
        sizeBytes: file.sizeBytes,
      };
    } catch (error) {
      if (options.signal?.aborted) return undefined;
      this.#deps.log.warn(
        { sessionKey: input.sessionKey, err: errorText(error) },
        'The spoken reply could not be made; the reply goes out as text',
      );
      return undefined;
    }
  }
}
