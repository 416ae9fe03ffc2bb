/**
 * Files of an outbound reply as discord.js uploads them: inline bytes become
 * a Buffer, a URL or local path is handed to discord.js, which reads it.
 * Discord takes at most 10 files per message, so they are grouped.
 */
import type { AttachmentPayload } from 'discord.js';
import type { Attachment } from '../contract.ts';

/** Most files Discord accepts on one message. */
export const MAX_FILES_PER_MESSAGE = 10;

/** The upload of each attachment, in groups of at most 10. */
export function toFileGroups(attachments: readonly Attachment[] = []): AttachmentPayload[][] {
  const files = attachments.flatMap((attachment, i): AttachmentPayload[] => {
    const name = attachment.fileName ?? defaultName(attachment, i);
    if (attachment.dataBase64 !== undefined) {
      return [{ attachment: Buffer.from(attachment.dataBase64, 'base64'), name }];
    }
    return attachment.url ? [{ attachment: attachment.url, name }] : [];
  });
  const groups: AttachmentPayload[][] = [];
  for (let i = 0; i < files.length; i += MAX_FILES_PER_MESSAGE) {
    groups.push(files.slice(i, i + MAX_FILES_PER_MESSAGE));
  }
  return groups;
}

function defaultName(attachment: Attachment, index: number): string {
  const extension = attachment.mimeType?.split('/')[1]?.split(';')[0] ?? 'bin';
  return `${attachment.kind}-${index + 1}.${extension}`;
}
