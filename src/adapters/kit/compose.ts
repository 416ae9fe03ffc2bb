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
  | { kind: 'file'; file: Attachment; caption?: string; replyTo?: string };

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
  /** The raw parts of a text (default `splitMessage`). */
  textParts?: (text: string) => string[];
}

/**
 * Composes a reply: the text split at the limit, then the files; with exactly one file
 * and a text that fits one caption, the text becomes the file's caption. The quote goes
 * on the first step only.
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
  const steps: ReplyStep[] = [];
  const only = parts[0];
  const caption =
    files.length === 1 &&
    parts.length === 1 &&
    only !== undefined &&
    limits.maxCaptionLength !== undefined &&
    only.length <= limits.maxCaptionLength
      ? only
      : undefined;
  if (caption === undefined) for (const part of parts) steps.push({ kind: 'text', text: part });
  for (const [i, file] of files.entries()) {
    steps.push({ kind: 'file', file, ...(i === 0 && caption !== undefined ? { caption } : {}) });
  }
  const first = steps[0];
  if (first && reply.quote !== undefined) first.replyTo = reply.quote;
  return steps;
}
