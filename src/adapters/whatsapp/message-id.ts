/**
 * Platform message ids of WhatsApp messages: `<remoteJid>:<key.id>`. A key id
 * alone is only unique per chat, and the chat is needed again to edit, delete
 * or quote the message.
 */
import type { WAMessageKey } from 'baileys';
import { AdapterError } from '../../errors.ts';
import { WHATSAPP_PLATFORM } from './socket.ts';

/**
 * The platform message id of a message in a chat.
 *
 * @example
 * platformMessageId('15551234567@s.whatsapp.net', '3EB0ABC') // '15551234567@s.whatsapp.net:3EB0ABC'
 */
export function platformMessageId(remoteJid: string, keyId: string): string {
  return `${remoteJid}:${keyId}`;
}

/**
 * The key of a message the adapter sent, from its platform message id.
 *
 * @throws AdapterError (fatal, reason `bad_message_id`) when the id is not `<jid>:<id>`.
 */
export function ownMessageKey(messageId: string): WAMessageKey {
  const at = messageId.lastIndexOf(':');
  const remoteJid = messageId.slice(0, at);
  const id = messageId.slice(at + 1);
  if (at <= 0 || id === '' || !remoteJid.includes('@')) {
    throw new AdapterError(WHATSAPP_PLATFORM, `not a WhatsApp message id: ${messageId}`, {
      retryable: false,
      reason: 'bad_message_id',
    });
  }
  return { remoteJid, id, fromMe: true };
}
