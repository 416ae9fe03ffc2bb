/**
 * Tool progress through the whole gateway: the lines each mode shows, in one
 * bubble on a chat that can edit, and the per-platform defaults.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { toolProgressKey } from '../../src/runtime/tool-progress.ts';
import { eventually } from '../support/gateway-process.ts';
import { startGateway } from './harness.ts';
import type { Script } from './tool-agent.ts';

/** Five tool calls: a command, two searches, a cron job and a failing custom tool. */
const FIVE_CALLS: Script = {
  calls: [
    { name: 'terminal', args: '{"command":"ls -la"}', output: 'total 8\nnotes.txt' },
    { name: 'web_search', args: '{"query":"hermes"}', output: '3 results' },
    { name: 'web_search', args: '{"query":"gateway"}', output: '5 results' },
    { name: 'cronjob', args: '{"action":"list"}', output: 'no jobs' },
    { name: 'read_file', args: '{"path":"a.txt"}', output: 'no such file', ok: false },
  ],
  answer: 'All done.',
};

const ALL_LINES = [
  '💻 `ls -la`...',
  '🔍 web_search...',
  '🔍 web_search...',
  '⏰ cronjob...',
  '🔧 read_file...',
];

describe('tool progress modes', () => {
  it('all: a line per tool call, in one bubble that is edited', async () => {
    const { chat, say } = await startGateway({
      config: { display: { tool_progress: 'all' } },
      script: () => FIVE_CALLS,
    });
    await say('tidy up');
    expect(chat.replies()).toEqual(['All done.']);
    await eventually(() => chat.progressTexts()[0] === ALL_LINES.join('\n'), 5_000, 'the last edit');
    expect(chat.progressIds()).toHaveLength(1);
    // the first line went out at once, the rest in one later edit
    expect(chat.sent.find((m) => m.idempotencyKey.includes(':progress:'))?.text).toBe(ALL_LINES[0]);
    expect(chat.edits).toHaveLength(1);
  });

  it('new: a line only when the tool differs from the previous one', async () => {
    const { chat, say } = await startGateway({
      config: { display: { tool_progress: 'new' } },
      script: () => FIVE_CALLS,
    });
    await say('tidy up');
    await eventually(() => chat.progressTexts()[0]?.split('\n').length === 4, 5_000, 'the last edit');
    expect(chat.progressTexts()).toEqual([
      ['💻 `ls -la`...', '🔍 web_search...', '⏰ cronjob...', '🔧 read_file...'].join('\n'),
    ]);
  });

  it('verbose: every call with its arguments and a ✅ / ❌ mark with an output excerpt', async () => {
    const { chat, say } = await startGateway({
      config: { display: { tool_progress: 'verbose' } },
      script: () => FIVE_CALLS,
    });
    await say('tidy up');
    const expected = [
      '💻 `ls -la`... ✅ total 8 notes.txt',
      '🔍 web_search: {"query":"hermes"}... ✅ 3 results',
      '🔍 web_search: {"query":"gateway"}... ✅ 5 results',
      '⏰ cronjob: {"action":"list"}... ✅ no jobs',
      '🔧 read_file: {"path":"a.txt"}... ❌ no such file',
    ].join('\n');
    await eventually(() => chat.progressTexts()[0] === expected, 5_000, 'the last edit');
    expect(chat.progressIds()).toHaveLength(1);
  });

  it('off: no progress at all', async () => {
    const { chat, say } = await startGateway({
      config: { display: { tool_progress: 'off' } },
      script: () => FIVE_CALLS,
    });
    await say('tidy up');
    expect(chat.sent.map((m) => m.text)).toEqual(['All done.']);
    expect(chat.edits).toEqual([]);
  });

  it('a platform setting wins over display.tool_progress', async () => {
    const { chat, say } = await startGateway({
      config: { display: { tool_progress: 'off', platforms: { chat: { tool_progress: 'new' } } } },
      script: () => FIVE_CALLS,
    });
    await say('tidy up');
    await eventually(() => chat.progressTexts()[0]?.split('\n').length === 4, 5_000, 'the last edit');
  });

  it('a mode chosen with /verbose (stored per platform) wins over config.yaml', async () => {
    const store = createMemoryStore();
    await store.migrate();
    await store.meta.set(toolProgressKey('chat'), 'off');
    const { chat, say } = await startGateway({
      store,
      config: { display: { tool_progress: 'all' } },
      script: () => FIVE_CALLS,
    });
    await say('tidy up');
    expect(chat.sent.map((m) => m.text)).toEqual(['All done.']);
  });

  it('long commands are shortened to one line', async () => {
    const command = `echo ${'x'.repeat(200)}\necho done`;
    const { chat, say } = await startGateway({
      config: { display: { tool_progress: 'all' } },
      script: () => ({ calls: [{ name: 'terminal', args: JSON.stringify({ command }) }] }),
    });
    await say('go');
    const [line] = chat.progressTexts();
    expect(line).toMatch(/^💻 `echo x+…`\.\.\.$/);
    expect(line!.length).toBeLessThan(100);
  });
});

describe('per-platform defaults (neither setting given)', () => {
  it('a chat that can edit: all, in one bubble', async () => {
    const { chat, say } = await startGateway({ script: () => FIVE_CALLS });
    await say('tidy up');
    await eventually(() => chat.progressTexts()[0] === ALL_LINES.join('\n'), 5_000, 'the last edit');
    expect(chat.progressIds()).toHaveLength(1);
  });

  it('a chat that cannot edit: new, one message per tool change and nothing edited', async () => {
    const { chat, say } = await startGateway({ capabilities: { edit: false }, script: () => FIVE_CALLS });
    await say('tidy up');
    expect(chat.sent.map((m) => m.text)).toEqual([
      '💻 `ls -la`...',
      '🔍 web_search...',
      '⏰ cronjob...',
      '🔧 read_file...',
      'All done.',
    ]);
    expect(chat.edits).toEqual([]);
  });

  it('all and verbose act as new where the chat cannot edit', async () => {
    const { chat, say } = await startGateway({
      config: { display: { tool_progress: 'verbose' } },
      capabilities: { edit: false },
      script: () => FIVE_CALLS,
    });
    await say('tidy up');
    expect(chat.progressTexts()).toHaveLength(4);
  });

  it('a headless adapter (the API server) and email: off', async () => {
    for (const setup of [
      { name: 'api', capabilities: { headless: true, edit: true } },
      { name: 'email', capabilities: {} },
    ]) {
      const { chat, say } = await startGateway({ ...setup, script: () => FIVE_CALLS });
      await say('tidy up');
      expect(chat.sent.map((m) => m.text)).toEqual(['All done.']);
    }
  });
});
