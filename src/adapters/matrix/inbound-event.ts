/**
 * A room message from a user, normalised: thread id (the root of an
 * `m.thread` relation), reply-to (`m.in_reply_to`, unless it is only a thread's
 * fallback), text without the quoted reply fallback, and files as attachments
 * whose `url` is the `mxc://` URI (downloaded with `fetchAttachment`).
 */
import type { MatrixEvent, Room } from 'matrix-js-sdk';
import type { Attachment, ChatType, InboundMessage } from '../contract.ts';
import { MATRIX_PLATFORM } from './matrix-errors.ts';

interface Relation {
  rel_type?: string;
  event_id?: string;
  is_falling_back?: boolean;
  'm.in_reply_to'?: { event_id?: string };
}

interface FileInfo {
  mimetype?: string;
  size?: number;
}

const MEDIA_KINDS: Record<string, Attachment['kind']> = {
  'm.image': 'image',
  'm.file': 'file',
  'm.audio': 'voice',
  'm.video': 'video',
};

/** Whether the event edits an earlier message (an `m.replace` relation). */
export function isEdit(event: MatrixEvent): boolean {
  return relationOf(event)?.rel_type === 'm.replace';
}

function relationOf(event: MatrixEvent): Relation | undefined {
  const rel = event.getWireContent()['m.relates_to'];
  return rel && typeof rel === 'object' ? (rel as Relation) : undefined;
}

/** The thread root of an event in a thread. */
export function threadIdOf(event: MatrixEvent): string | undefined {
  const rel = relationOf(event);
  return rel?.rel_type === 'm.thread' && rel.event_id ? rel.event_id : undefined;
}

/** The message an event really replies to (a thread's fallback reply does not count). */
export function replyToOf(event: MatrixEvent): string | undefined {
  const rel = relationOf(event);
  const target = rel?.['m.in_reply_to']?.event_id;
  if (!target) return undefined;
  if (rel?.rel_type === 'm.thread' && rel.is_falling_back) return undefined;
  return target;
}

/** Removes the `> <@user> quoted` lines older clients put before a reply. */
export function stripReplyFallback(body: string): string {
  if (!body.startsWith('> ')) return body;
  const lines = body.split('\n');
  let i = 0;
  while (i < lines.length && lines[i]?.startsWith('>')) i++;
  if (lines[i] === '') i++;
  return lines.slice(i).join('\n');
}

/**
 * Normalises an `m.room.message`; undefined for events that carry nothing to
 * answer (unknown msgtypes, encrypted files).
 */
export function toInboundMessage(
  event: MatrixEvent,
  room: Room,
  chatType: ChatType,
): InboundMessage | undefined {
  const content = event.getContent();
  const msgtype = typeof content.msgtype === 'string' ? content.msgtype : '';
  const body = typeof content.body === 'string' ? content.body : '';
  const replyTo = replyToOf(event);
  const threadId = threadIdOf(event);
  const sender = event.getSender() as string;
  let text: string;
  const attachments: Attachment[] = [];
  const kind = MEDIA_KINDS[msgtype];
  if (kind) {
    if (typeof content.url !== 'string') return undefined;
    const info = (content.info ?? {}) as FileInfo;
    const fileName = typeof content.filename === 'string' ? content.filename : body;
    attachments.push({
      kind,
      url: content.url,
      ...(info.mimetype ? { mimeType: info.mimetype } : {}),
      ...(fileName ? { fileName } : {}),
      ...(typeof info.size === 'number' ? { sizeBytes: info.size } : {}),
    });
    // a caption is a body that differs from the file name
    text = typeof content.filename === 'string' && body !== content.filename ? body : '';
  } else if (msgtype === 'm.text' || msgtype === 'm.notice' || msgtype === 'm.emote') {
    text = replyTo ? stripReplyFallback(body) : body;
  } else {
    return undefined;
  }
  return {
    platform: MATRIX_PLATFORM,
    chatType,
    chatId: room.roomId,
    ...(threadId ? { threadId } : {}),
    userId: sender,
    userName: room.getMember(sender)?.name ?? sender,
    text,
    ...(attachments.length ? { attachments } : {}),
    ...(replyTo ? { replyTo } : {}),
    platformMessageId: event.getId() as string,
  };
}
