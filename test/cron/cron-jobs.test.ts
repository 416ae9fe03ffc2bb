import { describe, expect, it } from 'vitest';
import {
  createCronJob,
  markCronJobDue,
  newCronJobId,
  parseMissedPolicy,
  pauseCronJob,
  resumeCronJob,
} from '../../src/cron/cron-jobs.ts';
import { formatCronTable } from '../../src/cron/format.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';

const T0 = Date.parse('2026-03-01T08:00:00Z');
const HOUR = 3_600_000;
const home = { kind: 'home', platform: 'telegram' } as const;

function jobs(start = T0) {
  let t = start;
  const store = createMemoryStore({ now: () => t });
  return {
    deps: { store: store.cron, now: () => t, timezone: 'UTC' },
    store,
    setNow(ms: number) {
      t = ms;
    },
  };
}

describe('cron job management', () => {
  it('makes ids of cron_ and 8 random lowercase letters or digits', () => {
    const ids = new Set(Array.from({ length: 50 }, newCronJobId));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^cron_[a-z0-9]{8}$/);
  });

  it('creates an active job with its first run, a name from the prompt and the default policy', async () => {
    const { deps } = jobs();
    const daily = await createCronJob(deps, {
      schedule: ' 0 9 * * * ',
      prompt: '  Summarise the overnight alerts and tell me which need action today\nmore',
      deliverTo: home,
      createdBy: 'cli',
    });
    expect(daily).toMatchObject({
      schedule: '0 9 * * *',
      name: 'Summarise the overnight alerts and tell…',
      status: 'active',
      nextRunAt: Date.parse('2026-03-01T09:00:00Z'),
      missedPolicy: 'skip',
      runCount: 0,
      createdAt: T0,
    });
    const reminder = await createCronJob(deps, {
      schedule: '2h',
      prompt: 'Stretch',
      deliverTo: home,
      createdBy: 'cli',
    });
    expect(reminder).toMatchObject({ name: 'Stretch', nextRunAt: T0 + 2 * HOUR, missedPolicy: 'run_once' });
    expect(await deps.store.list()).toHaveLength(2);
  });

  it('refuses an empty prompt, a past time and a schedule that never runs', async () => {
    const { deps } = jobs();
    const base = { deliverTo: home, createdBy: 'cli' };
    await expect(createCronJob(deps, { ...base, schedule: '1h', prompt: '  ' })).rejects.toThrow(
      /needs a prompt/,
    );
    await expect(
      createCronJob(deps, { ...base, schedule: '2020-01-01T00:00:00Z', prompt: 'x' }),
    ).rejects.toThrow(/is in the past/);
    await expect(createCronJob(deps, { ...base, schedule: '0 9 31 2 *', prompt: 'x' })).rejects.toThrow(
      /never runs/,
    );
    expect(await deps.store.list()).toEqual([]);
  });

  it('reads missed-run policies and refuses others', () => {
    expect(parseMissedPolicy('skip')).toBe('skip');
    expect(parseMissedPolicy('run-once')).toBe('run_once');
    expect(() => parseMissedPolicy('always')).toThrow(/Invalid missed-run policy "always"/);
  });

  it('resumes a paused job from now, and a one-shot whose time passed at the next tick', async () => {
    const h = jobs();
    const hourly = await createCronJob(h.deps, {
      schedule: 'every 1h',
      prompt: 'x',
      deliverTo: home,
      createdBy: 'cli',
    });
    const once = await createCronJob(h.deps, {
      schedule: '30m',
      prompt: 'y',
      deliverTo: home,
      createdBy: 'cli',
    });
    await pauseCronJob(h.deps, hourly.id);
    await pauseCronJob(h.deps, once.id);
    h.setNow(T0 + 5 * HOUR + 60_000);
    expect(await resumeCronJob(h.deps, hourly.id)).toMatchObject({
      status: 'active',
      nextRunAt: T0 + 6 * HOUR,
    });
    expect(await resumeCronJob(h.deps, once.id)).toMatchObject({
      status: 'active',
      nextRunAt: T0 + 5 * HOUR + 60_000,
    });
  });

  it('marks a job due now, reactivating a done one-shot, but not a paused job', async () => {
    const h = jobs();
    const once = await createCronJob(h.deps, {
      schedule: '30m',
      prompt: 'y',
      deliverTo: home,
      createdBy: 'cli',
    });
    await h.store.cron.update(once.id, { status: 'done', nextRunAt: null });
    h.setNow(T0 + HOUR);
    expect(await markCronJobDue(h.deps, once.id)).toMatchObject({ status: 'active', nextRunAt: T0 + HOUR });
    await pauseCronJob(h.deps, once.id);
    await expect(markCronJobDue(h.deps, once.id)).rejects.toThrow(/paused; resume it first/);
    await expect(markCronJobDue(h.deps, 'cron_none')).rejects.toThrow(/No cron job with id "cron_none"/);
  });

  it('prints a table of jobs with next run and last status', async () => {
    const h = jobs();
    const a = await createCronJob(h.deps, {
      schedule: 'every 1h',
      prompt: 'x',
      name: 'Hourly',
      deliverTo: home,
      createdBy: 'cli',
    });
    await h.store.cron.update(a.id, { lastStatus: 'failed', lastError: 'model down\ntrace', runCount: 1 });
    expect(formatCronTable(await h.store.cron.list())).toBe(
      `ID             NAME    SCHEDULE  NEXT RUN              LAST STATUS\n` +
        `${a.id}  Hourly  every 1h  2026-03-01T09:00:00Z  failed: model down\n`,
    );
  });
});
