import { describe, expect, it } from 'vitest';
import type { ToolContext } from '../../src/agent/agent.ts';
import {
  CRONJOB_TOOL_NAME,
  type CronjobToolOptions,
  createCronjobTool,
  INSIDE_CRON_RUN_REFUSAL,
} from '../../src/agent/tools/cronjob.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import type { Store } from '../../src/persistence/store.ts';

const T0 = Date.parse('2026-03-01T08:00:00Z');
const origin = { platform: 'telegram', chatType: 'dm', chatId: '42' } as const;
const ctx = (sessionKey = 'telegram:dm:42'): ToolContext => ({
  signal: new AbortController().signal,
  sessionKey,
});

function setup(extra: Partial<CronjobToolOptions> = {}) {
  const store = createMemoryStore({ now: () => T0 });
  const tool = createCronjobTool({ store, now: () => T0, origin, ...extra });
  return { store, tool };
}

async function onlyJob(store: Store) {
  const jobs = await store.cron.list();
  expect(jobs).toHaveLength(1);
  return jobs[0]!;
}

describe('cronjob tool', () => {
  it('is named cronjob and describes its actions with a JSON schema', () => {
    const { tool } = setup();
    expect(tool.name).toBe(CRONJOB_TOOL_NAME);
    expect(CRONJOB_TOOL_NAME).toBe('cronjob');
    expect(tool.parameters).toMatchObject({
      type: 'object',
      required: ['action'],
      properties: { action: { enum: ['list', 'create', 'pause', 'resume', 'remove', 'run'] } },
    });
  });

  it('creates a job delivering to the chat it was asked in by default', async () => {
    const { store, tool } = setup();
    const answer = await tool.execute(
      { action: 'create', schedule: 'every 2h', prompt: 'Check the build', name: 'Build' },
      ctx(),
    );
    const job = await onlyJob(store);
    expect(answer).toBe(
      `Created cron job ${job.id} "Build": next run 2026-03-01T10:00:00Z, ` +
        'results go to origin:telegram:dm:42, missed runs: skip.',
    );
    expect(job).toMatchObject({
      name: 'Build',
      prompt: 'Check the build',
      deliverTo: { kind: 'origin', ...origin },
      createdBy: 'telegram:dm:42',
      nextRunAt: T0 + 2 * 3_600_000,
    });
  });

  it('delivers to the home channel or another target, with the missed-run policy asked for', async () => {
    const { store, tool } = setup();
    await tool.execute(
      { action: 'create', schedule: '30m', prompt: 'a', deliver: 'home', missed: 'skip' },
      ctx(),
    );
    expect(await onlyJob(store)).toMatchObject({
      deliverTo: { kind: 'home', platform: 'telegram' },
      missedPolicy: 'skip',
    });
    const other = setup();
    await other.tool.execute(
      { action: 'create', schedule: '30m', prompt: 'b', deliver: 'home:discord' },
      ctx(),
    );
    expect((await onlyJob(other.store)).deliverTo).toEqual({ kind: 'home', platform: 'discord' });
  });

  it('answers errors as text: bad schedule (with the accepted forms), missing fields, unknown action', async () => {
    const { store, tool } = setup();
    const bad = await tool.execute({ action: 'create', schedule: 'soonish', prompt: 'x' }, ctx());
    expect(bad).toMatch(/^Error: Invalid schedule "soonish"/);
    expect(bad).toContain('"every 2h"');
    expect(await tool.execute({ action: 'create', prompt: 'x' }, ctx())).toMatch(/needs a "schedule"/);
    expect(await tool.execute({ action: 'create', schedule: '1h' }, ctx())).toMatch(/needs a "prompt"/);
    expect(await tool.execute({ action: 'pause' }, ctx())).toMatch(/needs a "job_id"/);
    expect(await tool.execute({ action: 'explode' }, ctx())).toMatch(/"action" must be one of/);
    expect(
      await tool.execute({ action: 'create', schedule: '1h', prompt: 'x', deliver: 'nowhere' }, ctx()),
    ).toMatch(/^Error: Invalid delivery target "nowhere"/);
    expect(await store.cron.list()).toEqual([]);
  });

  it('asks for an explicit target where there is no chat', async () => {
    const store = createMemoryStore({ now: () => T0 });
    const tool = createCronjobTool({ store, now: () => T0 });
    expect(await tool.execute({ action: 'create', schedule: '1h', prompt: 'x' }, ctx('api:1'))).toMatch(
      /no chat here to deliver to/,
    );
  });

  it('lists, pauses, resumes, marks due and removes the jobs of this chat', async () => {
    const { store, tool } = setup();
    await tool.execute({ action: 'create', schedule: '0 9 * * *', prompt: 'News', name: 'News' }, ctx());
    const { id } = await onlyJob(store);

    expect(await tool.execute({ action: 'list' }, ctx())).toContain(`${id} "News" (0 9 * * *), active`);
    expect(await tool.execute({ action: 'pause', job_id: id }, ctx())).toBe(`Paused cron job ${id} "News".`);
    expect((await store.cron.get(id))?.status).toBe('paused');
    expect(await tool.execute({ action: 'run', job_id: id }, ctx())).toMatch(/paused; resume it first/);
    expect(await tool.execute({ action: 'resume', job_id: id }, ctx())).toMatch(
      `Resumed cron job ${id} "News"`,
    );
    expect(await tool.execute({ action: 'run', job_id: id }, ctx())).toMatch(
      /is due now and runs within a minute/,
    );
    expect((await store.cron.get(id))?.nextRunAt).toBe(T0);
    expect(await tool.execute({ action: 'remove', job_id: id }, ctx())).toBe(
      `Removed cron job ${id} "News".`,
    );
    expect(await tool.execute({ action: 'list' }, ctx())).toBe('No cron jobs.');
  });

  it('starts a job at once through runJobNow when the gateway gives it', async () => {
    const started: string[] = [];
    const { store, tool } = setup({
      runJobNow: async (id) => {
        started.push(id);
      },
    });
    await tool.execute({ action: 'create', schedule: 'every 1h', prompt: 'x', name: 'X' }, ctx());
    const { id } = await onlyJob(store);
    expect(await tool.execute({ action: 'run', job_id: id }, ctx())).toBe(
      `Started cron job ${id} "X" now; its result goes to origin:telegram:dm:42.`,
    );
    expect(started).toEqual([id]);
  });

  it('keeps jobs of other chats out of sight unless allJobs is set', async () => {
    const { store, tool } = setup();
    await tool.execute({ action: 'create', schedule: '1h', prompt: 'mine' }, ctx());
    const { id } = await onlyJob(store);
    expect(await tool.execute({ action: 'list' }, ctx('discord:dm:7'))).toBe('No cron jobs.');
    expect(await tool.execute({ action: 'remove', job_id: id }, ctx('discord:dm:7'))).toBe(
      `Error: No cron job with id "${id}" in this chat.`,
    );
    expect(await store.cron.get(id)).toBeDefined();
    const admin = createCronjobTool({ store, now: () => T0, allJobs: true });
    expect(await admin.execute({ action: 'list' }, ctx('discord:dm:7'))).toContain(id);
  });

  it('refuses politely inside a cron run, without throwing or touching the jobs', async () => {
    const { store, tool } = setup({ insideCronRun: true });
    for (const action of ['list', 'create', 'remove']) {
      expect(await tool.execute({ action, schedule: '1h', prompt: 'again', job_id: 'cron_x' }, ctx())).toBe(
        INSIDE_CRON_RUN_REFUSAL,
      );
    }
    expect(INSIDE_CRON_RUN_REFUSAL).toMatch(/^Error: cron jobs cannot be managed from inside a cron run/);
    expect(await store.cron.list()).toEqual([]);
  });
});
