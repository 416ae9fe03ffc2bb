/**
 * Files the gateway sends: images go out with `sendPhoto`, voice with
 * `sendVoice`, videos with `sendVideo`, anything else with `sendDocument`.
 * Inline content (base64) is uploaded from a Buffer; a URL is passed to
 * Telegram, which fetches it; a local path is uploaded from disk.
 */
import { InputFile } from 'grammy';
import type { Attachment } from '../contract.ts';

/** The Bot API method that sends an attachment of this kind. */
export type MediaMethod = 'sendPhoto' | 'sendDocument' | 'sendVoice' | 'sendVideo';

/** Which method sends an attachment. */
export function mediaMethod(attachment: Attachment): MediaMethod {
  switch (attachment.kind) {
    case 'image':
      return 'sendPhoto';
    case 'voice':
      return 'sendVoice';
    case 'video':
      return 'sendVideo';
    default:
      return 'sendDocument';
  }
}

/**
 * The file argument of the send call.
 *
 * @example
 * toInputFile({ kind: 'file', fileName: 'a.csv', dataBase64: 'YSxi' }) // InputFile uploaded as a.csv
 */
export function toInputFile(attachment: Attachment): InputFile | string {
  if (attachment.dataBase64 !== undefined) {
    return new InputFile(
      Buffer.from(attachment.dataBase64, 'base64'),
      attachment.fileName ?? defaultName(attachment),
    );
  }
  const url = attachment.url;
  if (!url) throw new TypeError('The attachment has neither dataBase64 nor url');
  if (/^https?:\/\//i.test(url)) return url;
  return new InputFile(url.startsWith('file://') ? new URL(url) : url, attachment.fileName);
}

function defaultName(attachment: Attachment): string {
  switch (attachment.kind) {
    case 'image':
      return 'image.jpg';
    case 'voice':
      return 'voice.ogg';
    case 'video':
      return 'video.mp4';
    default:
      return 'file';
  }
}
