/**
 * Normalising Slack `message` and `app_mention` events into the gateway's
 * `InboundMessage`: chat type from the conversation (`im` → dm, a reply in a
 * thread → thread with the parent's `ts` as thread id, else group), the bot's
 * mention taken out, files as attachments the adapter can download, and the
 * platform id `<channel>:<ts>` (the same for a retried delivery).
 */
import type { Attachment, ChatType, InboundMessage } from '../contract.ts';
import { stripBotMention } from './mention.ts';
import { slackMessageId } from './message-id.ts';
import { unescapeMrkdwn } from './mrkdwn-text.ts';
import { SLACK_PLATFORM } from './slack-errors.ts';

/** The fields of a Slack file object the adapter reads. */
export interface SlackFileLike {
  id: string;
  name?: string | null;
  title?: string | null;
  mimetype?: string;
  filetype?: string;
  subtype?: string;
  size?: number;
  url_private?: string;
  url_private_download?: string;
}

/** The fields of a `message` or `app_mention` event the adapter reads. */
export interface SlackMessageLike {
  type: string;
  subtype?: string;
  channel: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  files?: SlackFileLike[];
}

/** Message subtypes written by people; every other subtype (edits, joins, bots) is ignored. */
const USER_SUBTYPES: ReadonlySet<string | undefined> = new Set([
  undefined,
  'file_share',
  'thread_broadcast',
  'me_message',
]);

/** The bot's own identity, from `auth.test`. */
export interface BotIdentity {
  userId: string;
  botId: string | undefined;
}

/**
 * Whether an event is a person's message the gateway may answer: not the bot's
 * own (nor another bot's, which would make bots talk in a loop), and not an
 * edit, deletion or channel notice.
 */
export function isFromPerson(event: SlackMessageLike, self: BotIdentity): boolean {
  if (!USER_SUBTYPES.has(event.subtype)) return false;
  if (event.bot_id !== undefined && event.bot_id !== '') return false;
  if (event.user === undefined || event.user === self.userId) return false;
  return typeof event.channel === 'string' && typeof event.ts === 'string';
}

/** Whether the event came from a direct message with the bot. */
export function isDirectMessage(event: SlackMessageLike): boolean {
  return event.channel_type === 'im' || (event.channel_type === undefined && event.channel.startsWith('D'));
}

/** The thread a message is in: the parent's ts, when the message is a reply. */
export function threadOf(event: SlackMessageLike): string | undefined {
  return event.thread_ts && event.thread_ts !== event.ts ? event.thread_ts : undefined;
}

/** The chat type of a message. */
export function chatTypeOf(event: SlackMessageLike): ChatType {
  if (isDirectMessage(event)) return 'dm';
  return threadOf(event) ? 'thread' : 'group';
}

/** The attachment kind of a Slack file. */
export function attachmentKind(file: SlackFileLike): Attachment['kind'] {
  const mime = file.mimetype ?? '';
  if (file.subtype === 'slack_audio' || mime.startsWith('audio/')) return 'voice';
  if (file.subtype === 'slack_video' || mime.startsWith('video/')) return 'video';
  if (mime.startsWith('image/')) return 'image';
  return 'file';
}

/** Files of a message as attachments (downloaded later with the bot token). */
export function toAttachments(files: SlackFileLike[] | undefined): Attachment[] {
  const out: Attachment[] = [];
  for (const file of files ?? []) {
    const url = file.url_private_download ?? file.url_private;
    if (!url) continue;
    out.push({
      kind: attachmentKind(file),
      url,
      ...(file.mimetype ? { mimeType: file.mimetype } : {}),
      ...(file.name || file.title ? { fileName: (file.name || file.title) as string } : {}),
      ...(typeof file.size === 'number' ? { sizeBytes: file.size } : {}),
    });
  }
  return out;
}

/**
 * Builds the `InboundMessage` of a person's Slack message.
 *
 * @example
 * toInboundMessage({ type: 'message', channel: 'D1', channel_type: 'im', user: 'U1', text: 'hi', ts: '1.000100' },
 *   { userId: 'UBOT', botId: 'B1' }); // { chatType: 'dm', chatId: 'D1', platformMessageId: 'D1:1.000100', ... }
 */
export function toInboundMessage(
  event: SlackMessageLike,
  self: BotIdentity,
  userName?: string,
): InboundMessage {
  const thread = threadOf(event);
  const attachments = toAttachments(event.files);
  return {
    platform: SLACK_PLATFORM,
    chatType: chatTypeOf(event),
    chatId: event.channel,
    ...(thread ? { threadId: thread, replyTo: slackMessageId(event.channel, thread) } : {}),
    userId: event.user ?? '',
    ...(userName ? { userName } : {}),
    text: unescapeMrkdwn(stripBotMention(event.text ?? '', self.userId)),
    ...(attachments.length > 0 ? { attachments } : {}),
    platformMessageId: slackMessageId(event.channel, event.ts),
  };
}
