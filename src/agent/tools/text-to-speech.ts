/**
 * The `text_to_speech` tool: the agent turns text into a spoken audio file (an
 * Ogg/Opus voice note where ffmpeg is installed) in the media folder, and its
 * result names the file on a `MEDIA:/path` line, so the gateway sends it with
 * the reply. Only offered where speech is configured and someone reads the chat.
 */
import { errorText } from '../../log/runtime-logger.ts';
import type { SpeechEndpoint } from '../../voice/synthesize.ts';
import type { VoiceReplies } from '../../voice/voice-replies.ts';
import type { Tool } from '../agent.ts';

/** The tool's name. */
export const TEXT_TO_SPEECH_TOOL_NAME = 'text_to_speech';

/**
 * Creates the tool.
 *
 * @example
 * const tool = createTextToSpeechTool({ voice });
 * await tool.execute({ text: 'Good morning' }, ctx); // 'Spoke 12 characters into voice.ogg (…).\nMEDIA:/…/ab12….ogg'
 */
export function createTextToSpeechTool(opts: {
  voice: Pick<VoiceReplies, 'speak'>;
  /** The session's `/model` provider endpoint, when it switched provider. */
  endpoint?: SpeechEndpoint;
}): Tool {
  return {
    name: TEXT_TO_SPEECH_TOOL_NAME,
    description:
      'Turn text into speech: makes an audio file (a voice message) the user receives with your reply. ' +
      'Use it when the user asks to hear something or for a voice message.',
    parameters: {
      type: 'object',
      properties: { text: { type: 'string', description: 'What to say, as plain sentences.' } },
      required: ['text'],
      additionalProperties: false,
    },
    async execute(args, ctx) {
      const text = typeof args.text === 'string' ? args.text.trim() : '';
      if (!text) return 'Error: give the text to speak in "text".';
      try {
        const file = await opts.voice.speak(text, {
          signal: ctx.signal,
          ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
        });
        return `Spoke ${text.length} characters into ${file.fileName} (${file.mimeType}). It is sent with your reply.\nMEDIA:${file.path}`;
      } catch (error) {
        return `Error: the speech could not be made (${errorText(error)}).`;
      }
    },
  };
}
