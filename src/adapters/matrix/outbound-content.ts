/**
 * The event contents the bot sends: text, threads and replies, edits
 * (`m.replace` with `m.new_content`), reactions (`m.annotation`) and files
 * (`m.image`, `m.file`, `m.audio`, `m.video` pointing at an `mxc://` upload).
 */
import type { Attachment } from '../contract.ts';

/** Content of a room message, as sent on the wire. */
export type MessageContent = Record<string, unknown>;

/** Where a message goes inside its room. */
export interface Placement {
  /** Root event of the thread the message belongs to. */
  threadId?: string;
  /** The message it answers (quoted as a reply; in a thread the fallback for clients without threads). */
  replyTo?: string;
}

/**
 * Characters of the edit fallback (`body` of the edit event itself, shown only by
 * clients without edit support). The full text is in `m.new_content`; keeping the
 * fallback short keeps an edit of a long message under Matrix's 64 KiB event limit.
 */
export const EDIT_FALLBACK_LENGTH = 3000;

/** A plain text message. */
export function textContent(text: string): MessageContent {
  return { msgtype: 'm.text', body: text };
}

/**
 * Adds the thread and reply relations: in a thread `rel_type: m.thread` with
 * `is_falling_back: true` and `m.in_reply_to` (the message answered, else the root),
 * outside a thread a plain reply.
 */
export function place(content: MessageContent, placement: Placement): MessageContent {
  if (placement.threadId) {
    return {
      ...content,
      'm.relates_to': {
        rel_type: 'm.thread',
        event_id: placement.threadId,
        is_falling_back: true,
        'm.in_reply_to': { event_id: placement.replyTo ?? placement.threadId },
      },
    };
  }
  if (placement.replyTo) {
    return { ...content, 'm.relates_to': { 'm.in_reply_to': { event_id: placement.replyTo } } };
  }
  return content;
}

/** An edit replacing the text of `eventId`. */
export function editContent(eventId: string, text: string): MessageContent {
  const fallback = text.length > EDIT_FALLBACK_LENGTH ? `${text.slice(0, EDIT_FALLBACK_LENGTH)}…` : text;
  return {
    msgtype: 'm.text',
    body: `* ${fallback}`,
    'm.new_content': { msgtype: 'm.text', body: text },
    'm.relates_to': { rel_type: 'm.replace', event_id: eventId },
  };
}

/** A reaction (`m.reaction` event content) with `emoji` on `eventId`. */
export function reactionContent(eventId: string, emoji: string): MessageContent {
  return { 'm.relates_to': { rel_type: 'm.annotation', event_id: eventId, key: emoji } };
}

/** The msgtype of an attachment kind. */
export function msgtypeOf(kind: Attachment['kind']): string {
  switch (kind) {
    case 'image':
      return 'm.image';
    case 'voice':
      return 'm.audio';
    case 'video':
      return 'm.video';
    default:
      return 'm.file';
  }
}

/** A file message pointing at an uploaded `mxc://` URI. */
export function mediaContent(
  kind: Attachment['kind'],
  upload: { mxcUri: string; fileName: string; mimeType: string; size: number },
): MessageContent {
  return {
    msgtype: msgtypeOf(kind),
    body: upload.fileName,
    filename: upload.fileName,
    url: upload.mxcUri,
    info: { mimetype: upload.mimeType, size: upload.size },
    // voice messages are audio marked as such (MSC3245, shown as a voice note by Element)
    ...(kind === 'voice' ? { 'org.matrix.msc1767.audio': {}, 'org.matrix.msc3245.voice': {} } : {}),
  };
}
