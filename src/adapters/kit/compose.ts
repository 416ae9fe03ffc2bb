/**
 * Reply composition: one walk over a reply (text parts, files, the quoted
 * message) that decides what the platform's primitives are asked to send, at
 * the platform's limits. Pure: the kit runs the steps it returns.
 */
import type { Attachment } from '../contract.ts';
import { splitMessage } from '../shared/split-message.ts';

/** One call of a primitive. */
export type ReplyStep =
  | { kind: 'text'; text: string; replyTo?: string }
  | { kind: 'file'; file: Attachment; caption?: string; replyTo?: string }
  /** Several files on one message, for wires with `sendFiles`. */
  | { kind: 'files'; files: Attachment[]; caption?: string; replyTo?: string };

/** What a reply is composed from. */
export interface ReplyShape {
  text: string;
  attachments?: Attachment[];
  /** The message to quote: only the first step carries it. */
  quote?: string;
}

/** The limits composition respects. */
export interface ComposeLimits {
  maxMessageLength: number;
  /** Without it, text never becomes a caption. */
  maxCaptionLength?: number;
  /** The wire cannot send files: each file becomes a line naming it after the text. */
  noFiles?: boolean;
  /** The wire sends several files on one message, at most this many. */
  filesPerMessage?: number;
  /** The raw parts of a text (default `splitMessage`). */
  textParts?: (text: string) => string[];
}

/**
 * Composes a reply: the text split at the limit, then the files (in groups where the wire
 * sends several on one message); with exactly one file (or group) and a text that fits one
 * caption, the text becomes its caption. The quote goes on the first step only.
 *
 * @example
 * composeReply({ text: 'here', attachments: [photo], quote: '42' }, { maxMessageLength: 4096, maxCaptionLength: 1024 });
 * // [{ kind: 'file', file: photo, caption: 'here', replyTo: '42' }]
 */
export function composeReply(reply: ReplyShape, limits: ComposeLimits): ReplyStep[] {
  const split = limits.textParts ?? ((text: string) => splitMessage(text, limits.maxMessageLength));
  let text = reply.text;
  let files = reply.attachments ?? [];
  if (limits.noFiles && files.length > 0) {
    const names = files.map((f, i) => `[file not sent: ${f.fileName ?? `attachment ${i + 1}`}]`);
    text = [text, ...names].filter((t) => t.trim() !== '').join('\n');
    files = [];
  }
  const parts = text.trim() ? split(text).filter((p) => p.trim() !== '') : [];
  const per = limits.filesPerMessage;
  const groups: ReplyStep[] = [];
  if (per !== undefined) {
    for (let i = 0; i < files.length; i += Math.max(1, per))
      groups.push({ kind: 'files', files: files.slice(i, i + Math.max(1, per)) });
  } else {
    for (const file of files) groups.push({ kind: 'file', file });
  }
  const only = parts[0];
  const captioned =
    groups.length === 1 &&
    parts.length === 1 &&
    only !== undefined &&
    limits.maxCaptionLength !== undefined &&
    only.length <= limits.maxCaptionLength;
  const steps: ReplyStep[] = captioned
    ? [{ ...(groups[0] as ReplyStep), caption: only } as ReplyStep]
    : [...parts.map((part): ReplyStep => ({ kind: 'text', text: part })), ...groups];
  const first = steps[0];
  if (first && reply.quote !== undefined) first.replyTo = reply.quote;
  return steps;
}
