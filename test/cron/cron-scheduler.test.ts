import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AnyActorRef } from 'xstate';
import { CronError } from '../../src/cron/cron-error.ts';
import { createCronJob } from '../../src/cron/cron-jobs.ts';
import { CronRunner } from '../../src/cron/cron-runner.ts';
import type { CronMissedPolicy, Store } from '../../src/persistence/store.ts';
import { cronHarness, TICK_MS } from './cron-harness.ts';

const T0 = Date.parse('2026-03-01T08:00:00Z');
const HOUR = 3_600_000;
const dm = { kind: 'origin', platform: 'telegram', chatType: 'dm', chatId: '42' } as const;

const actors: AnyActorRef[] = [];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});

afterEach(() => {
  for (const actor of actors.splice(0)) actor.stop();
  vi.useRealTimers();
});

async function addJob(
  store: Store,
  now: number,
  schedule: string,
  extra: { name?: string; missedPolicy?: CronMissedPolicy; prompt?: string } = {},
) {
  return createCronJob(
    { store: store.cron, now: () => now },
    {
      schedule,
      prompt: extra.prompt ?? `do ${schedule}`,
      deliverTo: dm,
      createdBy: 'telegram:dm:42',
      ...extra,
    },
  );
}

describe('cron actor', () => {
  it('runs a due job once, delivers "⏰ <name>" with the answer and schedules the next run', async () => {
    const h = cronHarness({ start: T0 });
    const job = await addJob(h.store, T0, 'every 1h', { name: 'Hourly news' });
    actors.push(await h.start());
    expect(h.runs).toHaveLength(0);

    await h.tickAt(T0 + HOUR + 5_000);
    expect(h.runs.map((j) => j.id)).toEqual([job.id]);
    expect(h.deliveries).toEqual([
      { jobId: job.id, text: '⏰ Hourly news\n\nanswer to do every 1h', ok: true },
    ]);
    expect(await h.store.cron.get(job.id)).toMatchObject({
      status: 'active',
      nextRunAt: T0 + 2 * HOUR,
      lastRunAt: T0 + HOUR + 5_000,
      lastStatus: 'ok',
      lastError: null,
      runCount: 1,
    });

    await h.tickAt(T0 + HOUR + 5_000 + TICK_MS);
    expect(h.runs).toHaveLength(1);
    await h.tickAt(T0 + 2 * HOUR + 1_000);
    expect(h.runs).toHaveLength(2);
    expect((await h.store.cron.get(job.id))?.runCount).toBe(2);
  });

  it('reports CHILD.UP to the gateway once the start-up tick is done', async () => {
    const h = cronHarness({ start: T0 });
    actors.push(await h.start());
    expect(h.events).toContainEqual({ type: 'CHILD.UP', id: 'cron' });
  });

  it('reports CHILD.FAILED when the jobs cannot be read at start', async () => {
    const h = cronHarness({ start: T0 });
    await h.store.close();
    actors.push(await h.start());
    expect(h.events).toContainEqual(expect.objectContaining({ type: 'CHILD.FAILED', id: 'cron', at: T0 }));
  });

  it('marks a one-shot job done after its run and never runs it again', async () => {
    const h = cronHarness({ start: T0 });
    const job = await addJob(h.store, T0, '30m');
    actors.push(await h.start());
    await h.tickAt(T0 + 30 * 60_000 + 1);
    await h.tickAt(T0 + 2 * HOUR);
    expect(h.runs).toHaveLength(1);
    expect(await h.store.cron.get(job.id)).toMatchObject({ status: 'done', nextRunAt: null, runCount: 1 });
  });

  it('records a failed run and delivers "❌ Cron job <name> failed: <error>"; other jobs still run', async () => {
    const h = cronHarness({
      start: T0,
      answer: (job) => (job.name === 'broken' ? new Error('model unreachable') : 'fine'),
    });
    const broken = await addJob(h.store, T0, 'every 1h', { name: 'broken' });
    const healthy = await addJob(h.store, T0, 'every 1h', { name: 'healthy' });
    actors.push(await h.start());
    await h.tickAt(T0 + HOUR + 1);

    expect(h.runs).toHaveLength(2);
    expect(h.deliveries).toContainEqual({
      jobId: broken.id,
      text: '❌ Cron job broken failed: model unreachable',
      ok: false,
    });
    expect(h.deliveries).toContainEqual({ jobId: healthy.id, text: '⏰ healthy\n\nfine', ok: true });
    expect(await h.store.cron.get(broken.id)).toMatchObject({
      status: 'active',
      lastStatus: 'failed',
      lastError: 'model unreachable',
      runCount: 1,
      nextRunAt: T0 + 2 * HOUR,
    });
  });

  it('keeps the outcome when delivering it fails, and logs the delivery failure', async () => {
    const h = cronHarness({ start: T0, deliverError: new Error('chat gone') });
    const job = await addJob(h.store, T0, 'every 1h');
    actors.push(await h.start());
    await h.tickAt(T0 + HOUR + 1);
    expect(await h.store.cron.get(job.id)).toMatchObject({ lastStatus: 'ok', runCount: 1 });
    expect(h.logs).toContainEqual(
      expect.objectContaining({ level: 'error', msg: 'Delivering the cron result failed' }),
    );
  });

  it('claims each run: two overlapping ticks (or two gateways on one store) run a job once', async () => {
    const first = cronHarness({ start: T0, answer: () => 'hold' });
    const second = cronHarness({ start: T0, store: first.store, answer: () => 'hold' });
    await addJob(first.store, T0, 'every 1h');
    actors.push(await first.start(), await second.start());

    first.setNow(T0 + HOUR + 1);
    second.setNow(T0 + HOUR + 1);
    vi.advanceTimersByTime(TICK_MS);
    // Both logics ticked (twice each: the interval fired once per actor); wait until the claims are decided.
    await vi.waitFor(() => expect(first.pending.length + second.pending.length).toBe(1));
    for (const run of [...first.pending, ...second.pending]) run.resolve('done');
    await Promise.all([first.cron.settle(), second.cron.settle()]);
    expect(first.runs.length + second.runs.length).toBe(1);
  });

  it('lets one of two gateways that find the same due run take it; the other does not run it', async () => {
    const first = cronHarness({ start: T0 + HOUR + 1 });
    const second = cronHarness({ start: T0 + HOUR + 1, store: first.store });
    const job = await addJob(first.store, T0, 'every 1h');
    const claim = vi.spyOn(first.store.cron, 'claim');
    const a = new CronRunner(first.deps);
    const b = new CronRunner(second.deps);
    await Promise.all([a.tick(), b.tick()]);
    await Promise.all([a.settle(), b.settle()]);
    expect(claim).toHaveBeenCalledTimes(2);
    expect(await Promise.all(claim.mock.results.map((r) => r.value))).toEqual([true, false]);
    expect(first.runs.length + second.runs.length).toBe(1);
    expect((await first.store.cron.get(job.id))?.runCount).toBe(1);
  });

  it('does not start a job again while its run is in progress', async () => {
    const h = cronHarness({ start: T0, answer: () => 'hold' });
    const job = await addJob(h.store, T0, 'every 1h');
    actors.push(await h.start());
    h.setNow(T0 + HOUR + 1);
    vi.advanceTimersByTime(TICK_MS);
    await vi.waitFor(() => expect(h.pending).toHaveLength(1));

    // Made due again meanwhile (e.g. `hermes cron run`): the next tick leaves it alone.
    await h.store.cron.update(job.id, { nextRunAt: T0 + HOUR + 2 });
    h.setNow(T0 + HOUR + 3);
    vi.advanceTimersByTime(TICK_MS);
    expect(await h.cron.runJobNow(job.id)).toEqual({ kind: 'busy' });
    h.pending[0]?.resolve('first');
    await h.cron.settle();
    expect(h.runs).toHaveLength(1);

    // Once the run finished, the job's due time is honoured at the next tick.
    h.pending.length = 0;
    const next = h.tickAt(T0 + HOUR + 4);
    await vi.waitFor(() => expect(h.pending).toHaveLength(1));
    h.pending[0]?.resolve('second');
    await next;
    expect(h.runs).toHaveLength(2);
  });

  it('stops ticking when the actor stops', async () => {
    const h = cronHarness({ start: T0 });
    await addJob(h.store, T0, 'every 1h');
    const actor = await h.start();
    actor.stop();
    await h.tickAt(T0 + 5 * HOUR);
    expect(h.runs).toHaveLength(0);
  });

  describe('runJobNow', () => {
    it('runs a job at once; the slot it was waiting for still comes next', async () => {
      const h = cronHarness({ start: T0 });
      const job = await addJob(h.store, T0, 'every 1h');
      h.setNow(T0 + 10 * 60_000);
      expect(await h.cron.runJobNow(job.id)).toEqual({
        kind: 'ran',
        ok: true,
        text: 'answer to do every 1h',
      });
      expect(await h.store.cron.get(job.id)).toMatchObject({ nextRunAt: T0 + HOUR, runCount: 1 });
      expect(h.deliveries).toHaveLength(1);
    });

    it('runs a done one-shot once more and leaves it done', async () => {
      const h = cronHarness({ start: T0 });
      const job = await addJob(h.store, T0, '30m');
      await h.store.cron.update(job.id, { status: 'done', nextRunAt: null });
      h.setNow(T0 + HOUR);
      expect(await h.cron.runJobNow(job.id)).toMatchObject({ kind: 'ran', ok: true });
      expect(await h.store.cron.get(job.id)).toMatchObject({ status: 'done', runCount: 1 });
    });

    it('refuses an unknown id and a paused job with a CronError', async () => {
      const h = cronHarness({ start: T0 });
      const job = await addJob(h.store, T0, 'every 1h');
      await h.store.cron.update(job.id, { status: 'paused' });
      await expect(h.cron.runJobNow('cron_nothere')).rejects.toBeInstanceOf(CronError);
      await expect(h.cron.runJobNow(job.id)).rejects.toThrow(/paused; resume it first/);
      expect(h.runs).toHaveLength(0);
    });
  });

  describe('runs missed while the gateway was down', () => {
    // Created at T0, due hourly from T0+1h; the gateway comes back at T0+3h30m: three slots were missed.
    const backAt = T0 + 3 * HOUR + 30 * 60_000;

    it('run_once: runs the job exactly once at start, then schedules the next future slot', async () => {
      const h = cronHarness({ start: backAt });
      const job = await addJob(h.store, T0, 'every 1h', { missedPolicy: 'run_once' });
      actors.push(await h.start());
      expect(h.runs.map((j) => j.id)).toEqual([job.id]);
      expect(h.deliveries).toHaveLength(1);
      expect(await h.store.cron.get(job.id)).toMatchObject({
        status: 'active',
        nextRunAt: T0 + 4 * HOUR,
        lastRunAt: backAt,
        runCount: 1,
      });
      expect(h.logs.map((l) => l.msg)).toContain('Running missed cron run once');

      await h.tickAt(backAt + TICK_MS);
      expect(h.runs).toHaveLength(1);
      await h.tickAt(T0 + 4 * HOUR + 1);
      expect(h.runs).toHaveLength(2);
    });

    it('skip: does not run the job, schedules the next future slot and logs the skip', async () => {
      const h = cronHarness({ start: backAt });
      const job = await addJob(h.store, T0, 'every 1h', { missedPolicy: 'skip' });
      actors.push(await h.start());
      expect(h.runs).toHaveLength(0);
      expect(h.deliveries).toHaveLength(0);
      expect(await h.store.cron.get(job.id)).toMatchObject({
        status: 'active',
        nextRunAt: T0 + 4 * HOUR,
        lastStatus: null,
        runCount: 0,
      });
      expect(h.logs).toContainEqual(
        expect.objectContaining({
          level: 'info',
          msg: 'Skipped missed cron run',
          obj: expect.objectContaining({ missedAt: T0 + HOUR }),
        }),
      );

      await h.tickAt(T0 + 4 * HOUR + 1);
      expect(h.runs).toHaveLength(1);
    });

    it('skip on a missed one-shot: it is done without running', async () => {
      const h = cronHarness({ start: backAt });
      const job = await addJob(h.store, T0, '1h', { missedPolicy: 'skip' });
      actors.push(await h.start());
      expect(h.runs).toHaveLength(0);
      expect(await h.store.cron.get(job.id)).toMatchObject({ status: 'done', nextRunAt: null });
    });

    it('a missed one-shot runs late by default (run_once)', async () => {
      const h = cronHarness({ start: backAt });
      const job = await addJob(h.store, T0, '1h');
      expect(job.missedPolicy).toBe('run_once');
      actors.push(await h.start());
      expect(h.runs).toHaveLength(1);
      expect(await h.store.cron.get(job.id)).toMatchObject({ status: 'done', runCount: 1 });
    });

    it('a run due within the last tick is not missed: it runs even with skip', async () => {
      const h = cronHarness({ start: T0 + HOUR + 30_000 });
      await addJob(h.store, T0, 'every 1h', { missedPolicy: 'skip' });
      actors.push(await h.start());
      expect(h.runs).toHaveLength(1);
    });
  });
});
