/**
 * An utterance heard in a voice channel as the inbound message of the text
 * channel where `/voice join` was said: a voice note (WAV) from the speaker,
 * which the gateway transcribes at ingest like any voice note, so access
 * control, sessions and spoken replies apply as for typed messages.
 */
import { randomUUID } from 'node:crypto';
import type { InboundMessage } from '../../contract.ts';
import { DISCORD_PLATFORM } from '../discord-errors.ts';
import type { Utterance } from './utterance.ts';

/** Who spoke, and in which chat the voice channel was joined. */
export interface UtteranceOrigin {
  /** The text channel of `/voice join`. */
  chatId: string;
  userId: string;
  userName?: string | undefined;
}

/**
 * Builds the message the adapter ingests for an utterance.
 *
 * @example
 * await ctx.ingest(utteranceMessage({ chatId, userId, userName }, utterance));
 */
export function utteranceMessage(origin: UtteranceOrigin, utterance: Utterance): InboundMessage {
  return {
    platform: DISCORD_PLATFORM,
    chatType: 'group',
    chatId: origin.chatId,
    userId: origin.userId,
    ...(origin.userName ? { userName: origin.userName } : {}),
    text: '',
    attachments: [
      {
        kind: 'voice',
        mimeType: 'audio/wav',
        fileName: 'voice-channel.wav',
        sizeBytes: utterance.wav.length,
        dataBase64: utterance.wav.toString('base64'),
      },
    ],
    platformMessageId: `voice:${randomUUID()}`,
  };
}
