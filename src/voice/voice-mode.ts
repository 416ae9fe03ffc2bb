/**
 * The voice mode of a session (`/voice`): `off` (default) answers in text only,
 * `on` answers a voice note with a spoken reply too, `tts` speaks every reply.
 * It is kept in the session's settings, so it survives restarts.
 */
import type { PendingMessage, SessionSettings } from '../machines/session.ts';

/** The voice modes `/voice` sets. */
export const VOICE_MODES = ['off', 'on', 'tts'] as const;

/** One of `VOICE_MODES`. */
export type VoiceMode = (typeof VOICE_MODES)[number];

/**
 * The voice mode of a session's settings (absent reads as `off`).
 *
 * @example
 * voiceModeOf({ ...DEFAULT_SESSION_SETTINGS, voice: 'tts' }) // 'tts'
 */
export function voiceModeOf(settings: Pick<SessionSettings, 'voice'> | undefined): VoiceMode {
  return settings?.voice ?? 'off';
}

/** Whether a user message came as a voice note. */
function spoken(message: Pick<PendingMessage, 'attachments'>): boolean {
  return (message.attachments ?? []).some((a) => a.kind === 'voice');
}

/**
 * Whether the reply to these user messages is spoken in `mode`: every reply in
 * `tts`, a reply to a voice note in `on`, none in `off`.
 *
 * @example
 * speaksReply('on', [{ attachments: [{ kind: 'voice', mimeType: 'audio/ogg' }] }]) // true
 */
export function speaksReply(
  mode: VoiceMode,
  messages: readonly Pick<PendingMessage, 'attachments'>[],
): boolean {
  if (mode === 'tts') return true;
  return mode === 'on' && messages.some(spoken);
}

/** What a mode does, for `/voice` answers. */
export function describeVoiceMode(mode: VoiceMode): string {
  switch (mode) {
    case 'on':
      return 'on: voice notes are answered with a voice message too';
    case 'tts':
      return 'tts: every reply also comes as a voice message';
    default:
      return 'off: replies are text only';
  }
}
