/**
 * What a run sees of a transcript once it was compressed: the latest summary
 * stands for every entry before it, except the user messages no answer followed
 * yet (they belong to the turn being answered and stay word for word).
 */
import type { TranscriptEntry } from '../../persistence/store.ts';
import type { ChatMessage } from '../agent.ts';

/** Put before a summary when a run hands it to the model. */
export const SUMMARY_PREFIX = 'Summary of the earlier conversation (it replaces the turns it covers):\n\n';

/**
 * The entries a run starts from: the latest `summary`, the unanswered user
 * entries just before it, then every entry after it. Without a summary: all of them.
 *
 * @example
 * activeEntries([u1, a1, u2, summary, a2]) // [summary, u2, a2]
 */
export function activeEntries(entries: readonly TranscriptEntry[]): TranscriptEntry[] {
  const at = entries.findLastIndex((e) => e.role === 'summary');
  if (at < 0) return [...entries];
  let start = at;
  while (start > 0 && entries[start - 1]!.role === 'user') start--;
  return [entries[at]!, ...entries.slice(start, at), ...entries.slice(at + 1)];
}

/** A transcript entry as a chat message: a summary becomes a system message with `SUMMARY_PREFIX`. */
export function entryMessage(entry: TranscriptEntry): ChatMessage {
  if (entry.role === 'summary') return { role: 'system', content: SUMMARY_PREFIX + entry.content };
  return { role: entry.role, content: entry.content };
}
