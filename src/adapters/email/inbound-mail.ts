/**
 * A received mail as the gateway sees it: the sender is the user, the thread
 * (root Message-ID) is the conversation, the new text of the reply is the
 * message, and files come along inline.
 */
import type { ParsedMail } from 'mailparser';
import type { Attachment, InboundMessage } from '../contract.ts';
import { EMAIL_PLATFORM } from './email-options.ts';
import { stripQuotedReply } from './quoted-text.ts';
import { messageIds, replyReferences, threadRoot } from './thread-headers.ts';

/** What the adapter remembers of a thread to answer in it. */
export interface ThreadInfo {
  /** Subject of the latest mail in the thread. */
  subject: string;
  /** `References` for the next reply (ends with the latest message). */
  references: string[];
  /** Message-ID of the latest mail from the user. */
  lastMessageId: string;
}

/** A mail turned into an inbound message, with what the reply needs. */
export interface InboundMail {
  message: InboundMessage;
  thread: ThreadInfo;
  /** Attachments left out because they are too large. */
  dropped: { fileName: string; sizeBytes: number }[];
}

/**
 * Normalises a parsed mail. Returns `undefined` when it has no Message-ID or sender
 * (such mail cannot be answered or deduplicated).
 *
 * @param mail the parsed mail
 * @param maxAttachmentBytes larger attachments are dropped (and listed in `dropped`)
 */
export function toInboundMail(mail: ParsedMail, maxAttachmentBytes: number): InboundMail | undefined {
  const from = mail.from?.value[0];
  const address = from?.address?.toLowerCase();
  const messageId = mail.messageId;
  if (!address || !messageId) return undefined;
  const references = messageIds(mail.references);
  const inReplyTo = messageIds(mail.inReplyTo)[0];
  const ids = { messageId, ...(inReplyTo ? { inReplyTo } : {}), references };
  const attachments: Attachment[] = [];
  const dropped: InboundMail['dropped'] = [];
  for (const file of mail.attachments) {
    // images embedded in an HTML body (signatures, logos) are not files the user sent
    if (file.related && file.contentDisposition !== 'attachment') continue;
    const fileName = file.filename ?? 'attachment';
    if (file.size > maxAttachmentBytes) {
      dropped.push({ fileName, sizeBytes: file.size });
      continue;
    }
    attachments.push({
      kind: file.contentType.startsWith('image/') ? 'image' : 'file',
      dataBase64: file.content.toString('base64'),
      mimeType: file.contentType,
      fileName,
      sizeBytes: file.size,
    });
  }
  let text = stripQuotedReply(mail.text ?? '');
  if (dropped.length) {
    const list = dropped.map((d) => `${d.fileName} (${Math.round(d.sizeBytes / 1024)} KB)`).join(', ');
    text = `${text}\n\n[Attachments too large to pass on: ${list}]`.trim();
  }
  const message: InboundMessage = {
    platform: EMAIL_PLATFORM,
    chatType: 'dm',
    chatId: address,
    threadId: threadRoot(ids),
    userId: address,
    text,
    platformMessageId: messageId,
  };
  if (from?.name) message.userName = from.name;
  if (attachments.length) message.attachments = attachments;
  if (inReplyTo) message.replyTo = inReplyTo;
  return {
    message,
    thread: { subject: mail.subject ?? '', references: replyReferences(ids), lastMessageId: messageId },
    dropped,
  };
}
