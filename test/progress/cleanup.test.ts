/**
 * `display.platforms.<p>.cleanup_progress`: the progress bubble is deleted once
 * the final reply was delivered, and kept when the run failed.
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/gateway-process.ts';
import { startGateway } from './harness.ts';
import type { Script } from './tool-agent.ts';

const CALLS: Script['calls'] = [
  { name: 'terminal', args: '{"command":"make"}' },
  { name: 'web_search', args: '{"query":"error"}' },
];

describe('cleanup_progress', () => {
  it('deletes the bubble after the final reply', async () => {
    const { chat, say } = await startGateway({
      config: { display: { tool_progress: 'all', platforms: { chat: { cleanup_progress: true } } } },
      script: () => ({ calls: CALLS, answer: 'Built.' }),
    });
    await say('build it');
    const [bubble] = chat.progressIds();
    expect(bubble).toBeDefined();
    await eventually(() => chat.deleted.includes(bubble!), 5_000, 'the bubble to be deleted');
    expect(chat.progressTexts()).toEqual([]);
    expect(chat.replies()).toEqual(['Built.']);
    // the deletion came after the reply went out
    const replyAt = chat.events.findIndex((e) => e.endsWith(':reply'));
    expect(replyAt).toBeGreaterThan(-1);
    expect(chat.events.indexOf(`delete ${bubble}`)).toBeGreaterThan(replyAt);
  });

  it('keeps the bubble when the run failed', async () => {
    const { chat, say } = await startGateway({
      config: { display: { tool_progress: 'all', platforms: { chat: { cleanup_progress: true } } } },
      script: () => ({ calls: CALLS, fail: 'the model went away' }),
    });
    await say('build it');
    expect(chat.replies()).toEqual(['⚠️ The agent failed: the model went away']);
    await eventually(
      () => chat.progressTexts()[0] === '💻 `make`...\n🔍 web_search...',
      5_000,
      'the last edit',
    );
    expect(chat.deleted).toEqual([]);
  });

  it('keeps the bubble without cleanup_progress, and where the adapter cannot delete', async () => {
    for (const setup of [
      { config: { display: { tool_progress: 'all' as const } } },
      {
        config: {
          display: { tool_progress: 'all' as const, platforms: { chat: { cleanup_progress: true } } },
        },
        capabilities: { delete: false },
      },
    ]) {
      const { chat, say } = await startGateway({
        ...setup,
        script: () => ({ calls: CALLS, answer: 'Built.' }),
      });
      await say('build it');
      await eventually(
        () => chat.progressTexts()[0] === '💻 `make`...\n🔍 web_search...',
        5_000,
        'the last edit',
      );
      expect(chat.deleted).toEqual([]);
      expect(chat.replies()).toEqual(['Built.']);
    }
  });
});
