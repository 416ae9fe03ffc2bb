/**
 * The progress bubble is edited no faster than once per 1.5 s: the first line
 * goes out at once, later lines are coalesced into the next allowed edit.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { validateConfig } from '../../src/config/validate-config.ts';
import { silentLogger } from '../../src/log/runtime-logger.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import {
  PROGRESS_EDIT_INTERVAL_MS,
  type ProgressChat,
  ToolProgress,
} from '../../src/runtime/tool-progress.ts';
import { ProgressAdapter } from './progress-adapter.ts';

const CHAT: ProgressChat = { sessionKey: 'chat:dm:c', platform: 'chat', chatId: 'c', chatType: 'dm' };

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

async function setup() {
  const chat = new ProgressAdapter();
  const store = createMemoryStore();
  await store.migrate();
  const progress = new ToolProgress({
    adapters: new Map([['chat', chat]]),
    meta: store.meta,
    config: validateConfig({ display: { tool_progress: 'all' } }),
    log: silentLogger,
  });
  return { chat, progress };
}

describe('edit throttling', () => {
  it('sends the first line at once and edits one bubble at most once per 1.5 s', async () => {
    const { chat, progress } = await setup();
    const sentAt: number[] = [];
    const send = chat.send.bind(chat);
    chat.send = async (m) => {
      sentAt.push(Date.now());
      return send(m);
    };
    // 20 calls, one every 200 ms (4 s)
    for (let i = 1; i <= 20; i++) {
      progress.tool(CHAT, { runId: 'r1', phase: 'start', name: `tool_${i}`, detail: '{}' });
      await vi.advanceTimersByTimeAsync(200);
    }
    await vi.advanceTimersByTimeAsync(5_000);

    expect(chat.progressIds()).toHaveLength(1);
    expect(chat.sent[0]?.text).toBe('🔧 tool_1...');
    expect(chat.edits.length).toBeGreaterThanOrEqual(2);
    const times = [sentAt[0]!, ...chat.edits.map((e) => e.at)];
    for (let i = 1; i < times.length; i++) {
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(PROGRESS_EDIT_INTERVAL_MS);
    }
    // nothing is lost: the last edit shows every line
    expect(chat.edits.at(-1)?.text.split('\n')).toHaveLength(20);
    expect(new Set(chat.edits.map((e) => e.messageId))).toEqual(new Set(chat.progressIds()));
    progress.stop();
  });

  it('coalesces a burst of lines into one edit', async () => {
    const { chat, progress } = await setup();
    for (let i = 1; i <= 10; i++) {
      progress.tool(CHAT, { runId: 'r1', phase: 'start', name: `tool_${i}`, detail: '{}' });
    }
    await vi.advanceTimersByTimeAsync(PROGRESS_EDIT_INTERVAL_MS - 1);
    expect(chat.edits).toEqual([]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(chat.edits).toHaveLength(1);
    expect(chat.edits[0]?.text.split('\n')).toHaveLength(10);
    progress.stop();
  });

  it('a new run of the session gets a bubble of its own', async () => {
    const { chat, progress } = await setup();
    progress.tool(CHAT, { runId: 'r1', phase: 'start', name: 'terminal', detail: '{"command":"ls"}' });
    await vi.advanceTimersByTimeAsync(10);
    progress.finish(CHAT.sessionKey, { ok: true, replyKey: 'r1:reply' });
    progress.tool(CHAT, { runId: 'r2', phase: 'start', name: 'terminal', detail: '{"command":"pwd"}' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(chat.progressTexts()).toEqual(['💻 `ls`...', '💻 `pwd`...']);
    progress.stop();
  });
});
