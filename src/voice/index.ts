/** Spoken replies: speech from the provider, ffmpeg conversion, the `/voice` modes. */
export { ffmpegAvailable, toVoiceNote } from './convert.ts';
export {
  createSynthesizer,
  SPEECH_FORMATS,
  type SpeechAudio,
  type SpeechEndpoint,
  type SpeechFormat,
  type Synthesizer,
  synthesizerFromConfig,
} from './synthesize.ts';
export { VoiceError } from './voice-error.ts';
export { VOICE_MODES, type VoiceMode } from './voice-mode.ts';
export type { SpeechOptions, VoiceStatus } from './voice-replies.ts';
