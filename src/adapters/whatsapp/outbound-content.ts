/**
 * What the adapter hands to baileys' `sendMessage` for a reply's files:
 * images as `{ image, caption }`, an Ogg/Opus voice note as push-to-talk audio
 * `{ audio, ptt: true }` (no caption: it goes out as its own message), every other file as
 * `{ document, mimetype, fileName, caption }`. Bytes come from the attachment's
 * `dataBase64`, or baileys reads its `url` (http(s) or a local path) itself.
 */
import type { AnyMessageContent, WAMediaUpload } from 'baileys';
import { AdapterError } from '../../errors.ts';
import type { Attachment } from '../contract.ts';
import { WHATSAPP_PLATFORM } from './socket.ts';

/** Longest caption WhatsApp shows under a file; longer text goes out as its own message. */
export const MAX_CAPTION_LENGTH = 1024;

/** The bytes (or where baileys reads them) of an outgoing attachment. */
export function mediaSource(attachment: Attachment): WAMediaUpload {
  if (attachment.dataBase64 !== undefined) return Buffer.from(attachment.dataBase64, 'base64');
  if (attachment.url) return { url: attachment.url };
  throw new AdapterError(
    WHATSAPP_PLATFORM,
    `attachment ${attachment.fileName ?? ''} has neither data nor url`,
    {
      retryable: false,
      reason: 'bad_attachment',
    },
  );
}

/**
 * The message content for one outgoing file.
 *
 * @example
 * attachmentContent({ kind: 'file', fileName: 'a.csv', mimeType: 'text/csv', dataBase64 }, 'the table')
 * // { document: <Buffer>, mimetype: 'text/csv', fileName: 'a.csv', caption: 'the table' }
 */
export function attachmentContent(attachment: Attachment, caption?: string): AnyMessageContent {
  const media = mediaSource(attachment);
  const withCaption = caption ? { caption } : {};
  if (attachment.kind === 'image') return { image: media, ...withCaption };
  if (attachment.kind === 'voice' && attachment.mimeType?.startsWith('audio/ogg')) {
    return { audio: media, ptt: true, mimetype: 'audio/ogg; codecs=opus' };
  }
  return {
    document: media,
    mimetype: attachment.mimeType ?? 'application/octet-stream',
    fileName: attachment.fileName ?? 'file',
    ...withCaption,
  };
}
