/**
 * /verbose: cycles the tool-progress mode of the platform it is sent on, keeps
 * the choice in the store, and refuses while display.tool_progress_command is off.
 */
import { describe, expect, it } from 'vitest';
import { VERBOSE_DISABLED } from '../../src/commands/builtin/verbose.ts';
import type { GatewayConfigInput } from '../../src/config/schema.ts';
import { silentLogger } from '../../src/log/runtime-logger.ts';
import { ToolProgress, toolProgressKey } from '../../src/runtime/tool-progress.ts';
import { fakeServices, say } from '../commands/fake-services.ts';
import { ProgressAdapter } from './progress-adapter.ts';

/** Command services for a telegram chat (that can edit) with the runtime's tool progress. */
async function setup(config: GatewayConfigInput) {
  const fake = await fakeServices({ config });
  const adapters = new Map([
    ['telegram', new ProgressAdapter({ name: 'telegram' })],
    ['slack', new ProgressAdapter({ name: 'slack' })],
  ]);
  const progressFor = () =>
    new ToolProgress({ adapters, meta: fake.store.meta, config: fake.services.config, log: silentLogger });
  const progress = progressFor();
  Object.assign(fake.services, { toolProgress: progress });
  return { fake, progress, progressFor };
}

describe('/verbose', () => {
  it('cycles off → new → all → verbose → off, starting from the platform default', async () => {
    const { fake, progress } = await setup({ display: { tool_progress_command: true } });
    expect(await progress.mode('telegram')).toBe('all');
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) answers.push((await say(fake, '/verbose'))!);
    expect(answers).toEqual([
      '🔧 Tool progress on telegram: verbose — every tool call with its arguments and result. /verbose again for the next mode.',
      '🔧 Tool progress on telegram: off — no tool progress. /verbose again for the next mode.',
      '🔧 Tool progress on telegram: new — a line when the agent switches to another tool. /verbose again for the next mode.',
      '🔧 Tool progress on telegram: all — a line for every tool call. /verbose again for the next mode.',
    ]);
  });

  it('persists the mode per platform, over config.yaml, across restarts', async () => {
    const { fake, progressFor } = await setup({
      display: { tool_progress_command: true, tool_progress: 'new' },
    });
    expect(await say(fake, '/verbose')).toMatch(/^🔧 Tool progress on telegram: all —/);
    expect(await fake.store.meta.get(toolProgressKey('telegram'))).toBe('all');
    // a new gateway on the same store reads the choice; other platforms keep the configured mode
    const restarted = progressFor();
    expect(await restarted.mode('telegram')).toBe('all');
    expect(await restarted.mode('slack')).toBe('new');
    expect(await say(fake, '/verbose', { message: { platform: 'slack' } })).toMatch(
      /^🔧 Tool progress on slack: all —/,
    );
    expect(await fake.store.meta.get(toolProgressKey('slack'))).toBe('all');
  });

  it('refuses and says how to enable it when display.tool_progress_command is off', async () => {
    const { fake, progress } = await setup({});
    expect(await say(fake, '/verbose')).toBe(VERBOSE_DISABLED);
    expect(VERBOSE_DISABLED).toContain('display.tool_progress_command: true');
    expect(await fake.store.meta.get(toolProgressKey('telegram'))).toBeUndefined();
    expect(await progress.mode('telegram')).toBe('all');
  });

  it('is listed by /help', async () => {
    const { fake } = await setup({});
    expect(await say(fake, '/help')).toContain('/verbose');
  });
});
