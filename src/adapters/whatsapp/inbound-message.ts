/**
 * Normalising a WhatsApp message (a baileys `WAMessage`, i.e. a WAProto
 * `WebMessageInfo`) into the gateway's `InboundMessage`. Messages the agent
 * should not see are skipped: the account's own messages, status updates,
 * broadcasts and channels, and messages with neither text nor a supported
 * file (reactions, protocol messages such as edits and deletes, stickers,
 * polls). A voice note (push-to-talk audio) is a `voice` attachment, which the
 * gateway transcribes; other audio is a file.
 */
import {
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isJidStatusBroadcast,
  isLidUser,
  isPnUser,
  jidDecode,
  jidNormalizedUser,
  normalizeMessageContent,
  type proto,
  type WAMessage,
} from 'baileys';
import type { InboundMessage } from '../contract.ts';
import { platformMessageId } from './message-id.ts';
import { WHATSAPP_PLATFORM } from './socket.ts';

/** A file carried by a message (its bytes are downloaded separately). */
export interface InboundMedia {
  kind: 'image' | 'file' | 'voice';
  mimeType: string;
  fileName: string;
  /** Size WhatsApp announced, when it did. */
  sizeBytes: number | undefined;
}

/** A message to ingest, with the file still to download. */
export interface InboundParts {
  message: InboundMessage;
  media: InboundMedia | undefined;
}

/**
 * The user id of a WhatsApp account: its phone number (digits with country
 * code, as `WHATSAPP_ALLOWED_USERS` lists them) when the jid is a phone-number
 * jid, else the normalised jid (`<lid>@lid` for accounts WhatsApp only names by
 * their private id).
 *
 * @example
 * whatsappUserId('4915112345678:3@s.whatsapp.net') // '4915112345678'
 */
export function whatsappUserId(jid: string): string {
  if (isPnUser(jid)) return jidDecode(jid)?.user ?? jid;
  return jidNormalizedUser(jid) || jid;
}

/** The sender's jid, preferring the phone-number jid when WhatsApp gives both. */
function senderJid(key: WAMessage['key'], group: boolean): string | undefined {
  const main = group ? key.participant : key.remoteJid;
  const alt = group ? key.participantAlt : key.remoteJidAlt;
  if (main && isLidUser(main) && alt && isPnUser(alt)) return alt;
  return main ?? undefined;
}

function toNumber(value: number | { toNumber(): number } | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'number' ? value : value.toNumber();
}

/** The extension of a mime type (`image/png` → `png`). */
function extension(mimeType: string): string {
  const sub = mimeType.split(';')[0]?.split('/')[1]?.trim();
  return sub && /^[a-z0-9.+-]+$/i.test(sub) ? sub.replace(/^jpeg$/i, 'jpg') : 'bin';
}

function mediaOf(content: proto.IMessage): InboundMedia | undefined {
  const image = content.imageMessage;
  if (image) {
    const mimeType = image.mimetype || 'image/jpeg';
    return {
      kind: 'image',
      mimeType,
      fileName: `image.${extension(mimeType)}`,
      sizeBytes: toNumber(image.fileLength),
    };
  }
  const audio = content.audioMessage;
  if (audio) {
    const mimeType = audio.mimetype || 'audio/ogg; codecs=opus';
    const ext = mimeType.startsWith('audio/ogg') ? 'ogg' : extension(mimeType);
    return {
      kind: audio.ptt ? 'voice' : 'file',
      mimeType,
      fileName: `${audio.ptt ? 'voice' : 'audio'}.${ext}`,
      sizeBytes: toNumber(audio.fileLength),
    };
  }
  const document = content.documentMessage;
  if (document) {
    const mimeType = document.mimetype || 'application/octet-stream';
    return {
      kind: 'file',
      mimeType,
      fileName: document.fileName || document.title || `document.${extension(mimeType)}`,
      sizeBytes: toNumber(document.fileLength),
    };
  }
  return undefined;
}

function textOf(content: proto.IMessage): string {
  return (
    content.conversation ||
    content.extendedTextMessage?.text ||
    content.imageMessage?.caption ||
    content.documentMessage?.caption ||
    ''
  );
}

function quotedIdOf(content: proto.IMessage): string | undefined {
  const context =
    content.extendedTextMessage?.contextInfo ??
    content.imageMessage?.contextInfo ??
    content.documentMessage?.contextInfo ??
    content.audioMessage?.contextInfo;
  return context?.stanzaId || undefined;
}

/**
 * The inbound message for a WhatsApp message, or undefined when the agent
 * should not see it.
 *
 * @example
 * const parts = toInboundParts(upsert.messages[0]);
 * if (parts) await ctx.ingest(parts.message);
 */
export function toInboundParts(wa: WAMessage): InboundParts | undefined {
  const { key } = wa;
  const chatId = key.remoteJid;
  if (!chatId || !key.id || key.fromMe) return undefined;
  if (isJidStatusBroadcast(chatId) || isJidBroadcast(chatId) || isJidNewsletter(chatId)) return undefined;
  const content = normalizeMessageContent(wa.message);
  if (!content) return undefined;
  const text = textOf(content);
  const media = mediaOf(content);
  if (text.trim() === '' && !media) return undefined;
  const group = isJidGroup(chatId) === true;
  const sender = senderJid(key, group);
  if (!sender) return undefined;
  const quoted = quotedIdOf(content);
  const message: InboundMessage = {
    platform: WHATSAPP_PLATFORM,
    chatType: group ? 'group' : 'dm',
    chatId,
    userId: whatsappUserId(sender),
    text,
    platformMessageId: platformMessageId(chatId, key.id),
    ...(wa.pushName ? { userName: wa.pushName } : {}),
    ...(quoted ? { replyTo: platformMessageId(chatId, quoted) } : {}),
  };
  return { message, media };
}
