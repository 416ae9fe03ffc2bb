/**
 * What a run sees of a compressed transcript, and the token estimate the
 * compression counts with.
 */
import { describe, expect, it } from 'vitest';
import { estimateTokens } from '../../src/agent/compress/token-estimate.ts';
import { activeEntries, entryMessage, SUMMARY_PREFIX } from '../../src/agent/compress/transcript-view.ts';
import type { TranscriptEntry } from '../../src/persistence/store.ts';

let nextId = 1;
const entry = (role: TranscriptEntry['role'], content: string): TranscriptEntry => ({
  id: nextId++,
  sessionKey: 's',
  conversationId: 'c',
  role,
  content,
  inputTokens: 0,
  outputTokens: 0,
  model: null,
  inboxId: null,
  createdAt: 0,
});

describe('activeEntries', () => {
  it('keeps everything when there is no summary', () => {
    const all = [entry('user', 'q1'), entry('assistant', 'a1')];
    expect(activeEntries(all)).toEqual(all);
  });

  it('starts from the latest summary, keeping the unanswered question before it', () => {
    const all = [
      entry('user', 'q1'),
      entry('assistant', 'a1'),
      entry('summary', 'old summary'),
      entry('user', 'q2'),
      entry('assistant', 'a2'),
      entry('user', 'q3'),
      entry('summary', 'new summary'),
      entry('assistant', 'a3'),
    ];
    expect(activeEntries(all).map((e) => e.content)).toEqual(['new summary', 'q3', 'a3']);
  });

  it('hands a summary to the model as a system message', () => {
    expect(entryMessage(entry('summary', 'S'))).toEqual({ role: 'system', content: `${SUMMARY_PREFIX}S` });
    expect(entryMessage(entry('user', 'hi'))).toEqual({ role: 'user', content: 'hi' });
  });
});

describe('estimateTokens', () => {
  it('counts characters / 4 (rounded up) plus 4 per message', () => {
    expect(estimateTokens([{ content: 'hello world!' }])).toBe(7);
    expect(estimateTokens([{ content: 'abcde' }, { content: '' }])).toBe(2 + 4 + 4);
  });
});
