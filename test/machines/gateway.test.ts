import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise } from 'xstate';
import { type ChildInput, type GatewayEvent, gatewayMachine } from '../../src/machines/gateway.ts';

type Behaviour = 'up' | 'fail';

function build(opts: {
  adapter: Behaviour[];
  budget?: { maxRestarts: number; windowMs: number };
  boot?: 'ok' | 'fail';
}) {
  const starts: ChildInput[] = [];
  const stops: string[] = [];
  const reports: string[] = [];
  let clock = 1_000;
  const service = fromCallback<GatewayEvent, ChildInput>(({ input, sendBack }) => {
    sendBack({ type: 'CHILD.UP', id: input.id });
    return () => stops.push(input.id);
  });
  const link = fromCallback<GatewayEvent, ChildInput>(({ input, sendBack }) => {
    starts.push(input);
    const behaviour = opts.adapter[Math.min(input.attempt, opts.adapter.length - 1)];
    queueMicrotask(() => {
      clock += 10;
      if (behaviour === 'up') sendBack({ type: 'CHILD.UP', id: input.id });
      else sendBack({ type: 'CHILD.FAILED', id: input.id, error: `fail ${input.attempt}`, at: clock });
    });
    return () => stops.push(input.id);
  });
  const machine = gatewayMachine.provide({
    actors: {
      boot: fromPromise(async () => {
        if (opts.boot === 'fail') throw new Error('disk full');
      }),
      drain: fromPromise(async () => {}),
      directory: service,
      scheduler: service,
      outbox: service,
      cron: service,
      adapterLink: link,
    } as never,
    actions: {
      reportRestart: () => reports.push('restart'),
      reportChildStopped: () => reports.push('stopped'),
      reportBootFailure: () => reports.push('bootFailure'),
    } as never,
  });
  const actor = createActor(machine, {
    input: { adapterNames: ['chat'], ...(opts.budget ? { restartBudget: opts.budget } : {}) },
  });
  const errors: unknown[] = [];
  actor.subscribe({ error: (e) => errors.push(e) });
  actor.start();
  return { actor, starts, stops, reports, errors };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('gateway machine', () => {
  it('boots, spawns its services and adapter links, and marks them running', async () => {
    const g = build({ adapter: ['up'] });
    await tick();
    const snap = g.actor.getSnapshot();
    expect(snap.value).toBe('running');
    expect(Object.keys(snap.children).sort()).toEqual([
      'adapter:chat',
      'cron',
      'directory',
      'outbox',
      'scheduler',
    ]);
    expect(Object.values(snap.context.children).every((c) => c.status === 'running')).toBe(true);
  });

  it('restarts a failing adapter link alone (one-for-one) and keeps the others', async () => {
    const g = build({ adapter: ['fail', 'fail', 'up'] });
    await tick();
    const snap = g.actor.getSnapshot();
    expect(g.starts.map((s) => s.attempt)).toEqual([0, 1, 2]);
    expect(snap.context.children['adapter:chat']?.status).toBe('running');
    expect(g.stops).not.toContain('directory');
    expect(g.reports).toEqual(['restart', 'restart']);
  });

  it('stops and reports an adapter that exhausts its restart budget, without failing the gateway', async () => {
    const g = build({ adapter: ['fail'], budget: { maxRestarts: 3, windowMs: 60_000 } });
    await tick();
    const snap = g.actor.getSnapshot();
    expect(g.starts).toHaveLength(4);
    expect(snap.value).toBe('running');
    expect(snap.context.children['adapter:chat']).toMatchObject({ status: 'stopped', lastError: 'fail 3' });
    expect(g.reports.at(-1)).toBe('stopped');
    expect(g.errors).toEqual([]);
  });

  it('restarts that fall outside the window do not count against the budget', async () => {
    const g = build({
      adapter: ['fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'up'],
      budget: { maxRestarts: 2, windowMs: 15 },
    });
    await tick();
    // failures 10 ms apart with a 15 ms window: never more than one recent restart, so six failures are all retried
    expect(g.starts).toHaveLength(7);
    expect(g.actor.getSnapshot().context.children['adapter:chat']?.status).toBe('running');
  });

  it('drains on STOP and ends stopped, stopping every child', async () => {
    const g = build({ adapter: ['up'] });
    await tick();
    g.actor.send({ type: 'STOP', reason: 'SIGTERM' });
    await tick();
    expect(g.actor.getSnapshot().value).toBe('stopped');
    expect(g.actor.getSnapshot().status).toBe('done');
    expect(g.stops.sort()).toEqual(['adapter:chat', 'cron', 'directory', 'outbox', 'scheduler']);
  });

  it('a failed boot ends stopped with the reason and spawns nothing', async () => {
    const g = build({ adapter: ['up'], boot: 'fail' });
    await tick();
    const snap = g.actor.getSnapshot();
    expect(snap.value).toBe('stopped');
    expect(snap.context.bootError).toContain('disk full');
    expect(g.starts).toHaveLength(0);
    expect(g.reports).toEqual(['bootFailure']);
  });

  it('an unexpected child error stops that child and never crashes the gateway', async () => {
    const g = build({ adapter: ['up'] });
    await tick();
    g.actor.send({ type: 'xstate.error.actor.directory', error: new Error('bug') } as never);
    const snap = g.actor.getSnapshot();
    expect(snap.status).toBe('active');
    expect(snap.context.children.directory).toMatchObject({ status: 'stopped', lastError: 'Error: bug' });
  });
});
