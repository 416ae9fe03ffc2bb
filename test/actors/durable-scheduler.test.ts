/**
 * The durable scheduler on a real SQLite file: timers fire once, in due order,
 * and survive a restart (a timer that fell due while the gateway was down fires
 * as soon as it starts again). Time is an injected clock moved together with
 * faked `setTimeout`s, so nothing waits on the wall clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DurableScheduler } from '../../src/actors/durable-scheduler.ts';
import { GatewayError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log/runtime-logger.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import type { Store, TimerRow } from '../../src/persistence/store.ts';

const START = 1_700_000_000_000;

interface Delivery {
  actorId: string;
  event: TimerRow['event'];
  at: number;
}

let dir: string;
let clock: number;
const open: { store: Store; scheduler: DurableScheduler }[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hermes-scheduler-'));
  clock = START;
  // Only the scheduler's timeouts are faked; the store's group commit (setImmediate) runs for real.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(async () => {
  for (const { store, scheduler } of open.splice(0)) {
    await scheduler.stop();
    await store.close().catch(() => {});
  }
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens the database file and starts a scheduler on it ("a gateway process"). */
async function boot(deliver?: (actorId: string, event: TimerRow['event']) => Promise<void>) {
  const store = createSqliteStore({ path: join(dir, 'state.db'), now: () => clock });
  await store.migrate();
  const delivered: Delivery[] = [];
  const scheduler = new DurableScheduler({
    store,
    now: () => clock,
    log: silentLogger,
    deliver: async (actorId, event) => {
      await deliver?.(actorId, event);
      delivered.push({ actorId, event, at: clock });
    },
  });
  open.push({ store, scheduler });
  await scheduler.start();
  return { store, scheduler, delivered };
}

/** Stops the scheduler and closes the store, as a gateway shutting down does. */
async function shutdown(node: { store: Store; scheduler: DurableScheduler }) {
  await node.scheduler.stop();
  await node.store.close();
  open.splice(
    open.findIndex((o) => o.store === node.store),
    1,
  );
}

/** Lets the deliveries' store writes (real setImmediate + SQLite) finish. */
async function settle() {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

/** Moves the clock and the scheduler's timeouts forward together. */
async function advance(ms: number) {
  clock += ms;
  await vi.advanceTimersByTimeAsync(ms);
  await settle();
}

function timer(key: string, dueIn: number, type = 'TICK'): TimerRow {
  return { key, actorId: `actor-of-${key}`, event: { type, key }, dueAt: clock + dueIn };
}

describe('durable scheduler', () => {
  it('fires a timer once when it falls due and deletes its row', async () => {
    const node = await boot();
    await node.scheduler.set(timer('reset', 60_000));
    await advance(59_999);
    expect(node.delivered).toEqual([]);
    expect(await node.store.timers.list()).toHaveLength(1);

    await advance(1);
    expect(node.delivered).toEqual([
      { actorId: 'actor-of-reset', event: { type: 'TICK', key: 'reset' }, at: START + 60_000 },
    ]);
    expect(await node.store.timers.list()).toEqual([]);
    expect(node.scheduler.pending()).toEqual([]);

    await advance(3_600_000);
    expect(node.delivered).toHaveLength(1);
  });

  it('fires timers in due order, whatever order they were set in', async () => {
    const node = await boot();
    await node.scheduler.set(timer('c', 3_000));
    await node.scheduler.set(timer('a', 1_000));
    await node.scheduler.set(timer('b', 2_000));
    await advance(1_500);
    expect(node.delivered.map((d) => d.event.key)).toEqual(['a']);
    await advance(10_000);
    expect(node.delivered.map((d) => d.event.key)).toEqual(['a', 'b', 'c']);
    expect(await node.store.timers.list()).toEqual([]);
  });

  it('delivers several timers that fall due together in due order', async () => {
    const node = await boot();
    await node.scheduler.set(timer('late', 3_000));
    await node.scheduler.set(timer('early', 1_000));
    await node.scheduler.set(timer('middle', 2_000));
    await advance(5_000);
    expect(node.delivered.map((d) => d.event.key)).toEqual(['early', 'middle', 'late']);
  });

  it('replacing a timer by key keeps only the new one', async () => {
    const node = await boot();
    await node.scheduler.set(timer('idle-reset', 1_000, 'OLD'));
    await node.scheduler.set(timer('idle-reset', 5_000, 'NEW'));
    expect(await node.store.timers.list()).toHaveLength(1);
    await advance(2_000);
    expect(node.delivered).toEqual([]);
    await advance(10_000);
    expect(node.delivered.map((d) => d.event.type)).toEqual(['NEW']);
    expect(await node.store.timers.list()).toEqual([]);
  });

  it('a cancelled timer never fires and its row is gone', async () => {
    const node = await boot();
    await node.scheduler.set(timer('approval', 1_000));
    await node.scheduler.set(timer('other', 2_000));
    await node.scheduler.cancel('approval');
    expect((await node.store.timers.list()).map((t) => t.key)).toEqual(['other']);
    await advance(10_000);
    expect(node.delivered.map((d) => d.event.key)).toEqual(['other']);
  });

  it('a timer set before a restart fires after it; one that fell due while down fires at once on start', async () => {
    const first = await boot();
    await first.scheduler.set(timer('due-while-down', 10_000));
    await first.scheduler.set(timer('due-after-restart', 120_000));
    await advance(1_000);
    await shutdown(first);
    expect(first.delivered).toEqual([]);

    // Down for a minute: the first timer falls due meanwhile.
    clock += 60_000;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(first.delivered).toEqual([]);

    const second = await boot();
    expect(second.scheduler.pending().map((t) => t.key)).toEqual(['due-while-down', 'due-after-restart']);
    await advance(0);
    expect(second.delivered.map((d) => [d.event.key, d.at])).toEqual([['due-while-down', START + 61_000]]);
    expect((await second.store.timers.list()).map((t) => t.key)).toEqual(['due-after-restart']);

    await advance(58_999);
    expect(second.delivered).toHaveLength(1);
    await advance(1);
    expect(second.delivered.map((d) => [d.event.key, d.at])).toEqual([
      ['due-while-down', START + 61_000],
      ['due-after-restart', START + 120_000],
    ]);
    expect(await second.store.timers.list()).toEqual([]);
  });

  it('a delivery refused while the session directory restarts is tried again in the same run', async () => {
    let refuse = true;
    const node = await boot(async () => {
      if (refuse) throw new GatewayError('GATEWAY_ERR_STATE', 'The session directory is not running');
    });
    await node.scheduler.set(timer('approval', 1_000));
    await advance(1_000);
    expect(node.delivered).toEqual([]);
    expect(node.scheduler.pending().map((t) => [t.key, t.dueAt])).toEqual([['approval', START + 2_000]]);
    expect((await node.store.timers.list()).map((t) => t.dueAt)).toEqual([START + 1_000]);
    refuse = false;
    await advance(1_000);
    expect(node.delivered.map((d) => [d.event.key, d.at])).toEqual([['approval', START + 2_000]]);
    expect(await node.store.timers.list()).toEqual([]);
  });

  it('a failing delivery keeps the row, and the timer fires again at the next start', async () => {
    let fail = true;
    const first = await boot(async () => {
      if (fail) throw new Error('session store unavailable');
    });
    await first.scheduler.set(timer('expire', 1_000));
    await first.scheduler.set(timer('fine', 2_000));
    await advance(1_000);
    expect(first.delivered).toEqual([]);
    fail = false;
    await advance(1_000);
    expect(first.delivered.map((d) => d.event.key)).toEqual(['fine']);
    expect((await first.store.timers.list()).map((t) => t.key)).toEqual(['expire']);
    await shutdown(first);

    const second = await boot();
    await advance(0);
    expect(second.delivered.map((d) => d.event.key)).toEqual(['expire']);
    expect(await second.store.timers.list()).toEqual([]);
  });
});
