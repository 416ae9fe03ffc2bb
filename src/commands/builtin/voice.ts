/**
 * /voice [on|off|tts|status|join|leave]: spoken replies in this chat. `on`
 * answers voice notes with a voice message too, `tts` speaks every reply, `off`
 * stops it; `status` tells the mode, whether speech is configured and ffmpeg
 * found. The mode is kept in the session's settings. `join` joins the voice
 * channel the caller is in (Discord) and `leave` leaves it; `join` turns
 * spoken replies on (`on`) when they were off, so answers are spoken there.
 */
import { describeVoiceMode, VOICE_MODES, type VoiceMode, voiceModeOf } from '../../voice/voice-mode.ts';
import type { VoiceStatus } from '../../voice/voice-replies.ts';
import type { CommandContext, CommandDefinition, CommandReply } from '../registry.ts';

const USAGE = 'Usage: /voice [on|off|tts|status|join|leave]';

/** What the chat is told about speech being configured, ffmpeg and the platform. */
function problems(status: VoiceStatus | undefined): string[] {
  if (!status?.speechConfigured) {
    return [
      '⚠️ Speech is not configured: set agent.speech_model (e.g. tts-1) in config.yaml; until then replies stay text.',
    ];
  }
  const lines: string[] = [];
  if (!status.platformSendsAudio) lines.push('⚠️ This platform cannot receive audio: replies stay text here.');
  else if (!status.ffmpeg)
    lines.push('ℹ️ ffmpeg is not installed: voice replies come as audio files, not voice notes.');
  return lines;
}

async function showStatus(ctx: CommandContext): Promise<CommandReply> {
  const mode = voiceModeOf((await ctx.services.session())?.context.settings);
  const status = await ctx.services.voice?.status(ctx.message.platform);
  const lines = [
    `🎙️ Voice mode: ${describeVoiceMode(mode)}`,
    `Speech: ${status?.speechConfigured ? `configured (${ctx.services.config.agent.speech_model ?? 'custom'})` : 'not configured (agent.speech_model)'}`,
    `ffmpeg: ${status?.ffmpeg ? 'found' : 'not found'}`,
    `Voice notes on this platform: ${status?.platformVoiceNotes ? 'yes' : status?.platformSendsAudio ? 'no, audio files' : 'no'}`,
    '/voice on|tts|off changes it.',
  ];
  return { text: lines.join('\n') };
}

/** /voice join|leave: the platform's voice channels, where it has them. */
async function voiceChannel(ctx: CommandContext, word: 'join' | 'leave'): Promise<CommandReply> {
  const channels = ctx.services.voiceChannels;
  if (!channels) {
    return {
      text: `🔇 /voice ${word}: this platform has no voice channels. /voice on|tts gives spoken replies here.`,
    };
  }
  const { chatId, userId } = ctx.message;
  if (word === 'leave') return { text: (await channels.leave(chatId)).text };
  const answer = await channels.join(chatId, userId);
  if (!answer.done) return { text: answer.text };
  const mode = voiceModeOf((await ctx.services.session())?.context.settings);
  if (mode === 'off') await ctx.services.send({ type: 'SETTINGS', patch: { voice: 'on' } });
  const status = await ctx.services.voice?.status(ctx.message.platform);
  return { text: [answer.text, ...problems(status)].join('\n') };
}

/** /voice: show or set the chat's spoken replies. */
export const voiceCommand: CommandDefinition = {
  name: 'voice',
  argsHint: '[on|off|tts|status|join|leave]',
  description:
    'Spoken replies in this chat: on (to voice notes), tts (always), off, status; join/leave a voice channel',
  busyAllowed: true,
  async handler(ctx) {
    const word = ctx.args.toLowerCase();
    if (!word || word === 'status') return showStatus(ctx);
    if (word === 'join' || word === 'leave') return voiceChannel(ctx, word);
    if (!(VOICE_MODES as readonly string[]).includes(word)) {
      return { text: `❓ “${ctx.args}” is not a voice setting. ${USAGE}` };
    }
    const mode = word as VoiceMode;
    await ctx.services.send({ type: 'SETTINGS', patch: { voice: mode } });
    if (mode === 'off') return { text: '🔇 Voice replies are off: replies are text only.' };
    const status = await ctx.services.voice?.status(ctx.message.platform);
    return { text: [`🎙️ Voice mode ${describeVoiceMode(mode)}.`, ...problems(status)].join('\n') };
  },
};
