/**
 * Files users send on WhatsApp are end-to-end encrypted on WhatsApp's media
 * servers; the key to decrypt them lives only in the message itself. The
 * adapter therefore downloads and decrypts an image or document (with baileys'
 * `downloadMediaMessage`) before it ingests the message, and keeps the bytes
 * in the attachment (`dataBase64`): the inbox holds everything needed, and no
 * media key has to be kept elsewhere. Files larger than the limit (default
 * 16 MiB) are announced without their bytes.
 */
import { downloadMediaMessage, type WAMessage } from 'baileys';
import type { AdapterLogger, Attachment } from '../contract.ts';
import { baileysLogger } from './baileys-logger.ts';
import type { InboundMedia } from './inbound-message.ts';
import type { WhatsAppSocket } from './socket.ts';

/** Downloads and decrypts the file of a message; `socket` (when connected) can ask the phone to re-upload it. */
export type MediaDownloader = (
  message: WAMessage,
  ctx: { socket: WhatsAppSocket | undefined; log: AdapterLogger },
) => Promise<Buffer>;

/** baileys' downloader: fetches from the media host named in the message and decrypts with its media key. */
export const downloadWithBaileys: MediaDownloader = (message, { socket, log }) =>
  downloadMediaMessage(
    message,
    'buffer',
    {},
    socket ? { reuploadRequest: (m) => socket.updateMediaMessage(m), logger: baileysLogger(log) } : undefined,
  );

/** Default largest file kept inline (16 MiB, WhatsApp's limit for images). */
export const DEFAULT_MAX_MEDIA_BYTES = 16 * 1024 * 1024;

/** The attachment for a message's file, and a note for the text when its bytes are missing. */
export interface FetchedMedia {
  attachment: Attachment;
  /** Set when the bytes could not be kept: tells the agent what is missing. */
  note?: string;
}

/**
 * Downloads the file of `message` into an attachment.
 *
 * @example
 * const { attachment } = await fetchInboundMedia(wa, media, { socket, download: downloadWithBaileys, maxBytes, log });
 */
export async function fetchInboundMedia(
  message: WAMessage,
  media: InboundMedia,
  opts: {
    socket: WhatsAppSocket | undefined;
    download: MediaDownloader;
    maxBytes: number;
    log: AdapterLogger;
  },
): Promise<FetchedMedia> {
  const base: Attachment = {
    kind: media.kind,
    mimeType: media.mimeType,
    fileName: media.fileName,
    ...(media.sizeBytes !== undefined ? { sizeBytes: media.sizeBytes } : {}),
  };
  const what =
    media.kind === 'image' ? 'image' : media.kind === 'voice' ? 'voice note' : `file ${media.fileName}`;
  if (media.sizeBytes !== undefined && media.sizeBytes > opts.maxBytes) {
    opts.log.warn(
      { fileName: media.fileName, sizeBytes: media.sizeBytes, maxBytes: opts.maxBytes },
      'whatsapp: file too large to download',
    );
    return { attachment: base, note: `[the ${what} is too large to read (${media.sizeBytes} bytes)]` };
  }
  try {
    const data = await opts.download(message, { socket: opts.socket, log: opts.log });
    if (data.length > opts.maxBytes) {
      return { attachment: base, note: `[the ${what} is too large to read (${data.length} bytes)]` };
    }
    return { attachment: { ...base, sizeBytes: data.length, dataBase64: data.toString('base64') } };
  } catch (error) {
    opts.log.warn({ err: String(error), fileName: media.fileName }, 'whatsapp: cannot download a file');
    return { attachment: base, note: `[the ${what} could not be downloaded]` };
  }
}
