import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KyselyStore } from '../../src/persistence/kysely-store.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import { expectCoded, inbound, outbound } from './store-conformance.ts';

const dir = mkdtempSync(join(tmpdir(), 'hermes-group-commit-'));
let n = 0;
let store: KyselyStore;
const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

beforeEach(async () => {
  n += 1;
  store = createSqliteStore({ path: join(dir, `state-${n}.db`) });
  await store.migrate();
});
afterEach(async () => {
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('group commit', () => {
  it('commits every write made in one tick in ONE transaction', async () => {
    const before = store.batcher.stats;
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i += 1) writes.push(store.inbox.accept(inbound(`m${i}`), 's'));
    writes.push(
      store.actors.save({ actorId: 's', kind: 'session', machineVersion: 1, snapshot: {}, state: 'running' }),
    );
    writes.push(store.outbox.enqueue('telegram', outbound('r1')));
    await Promise.all(writes);
    const after = store.batcher.stats;
    expect(after.batchesCommitted - before.batchesCommitted).toBe(1);
    expect(after.opsCommitted - before.opsCommitted).toBe(52);
    expect(await store.inbox.listByStatus('accepted')).toHaveLength(50);
  });

  it('commits writes made in separate ticks in separate transactions', async () => {
    const before = store.batcher.stats.batchesCommitted;
    const first = store.meta.set('a', '1');
    await nextTick();
    const second = store.meta.set('b', '2');
    await nextTick();
    const third = store.meta.set('c', '3');
    await Promise.all([first, second, third]);
    expect(store.batcher.stats.batchesCommitted - before).toBe(3);
  });

  it('puts a write made while a batch commits into the next batch', async () => {
    const before = store.batcher.stats.batchesCommitted;
    let inner: Promise<void> | undefined;
    const outer = store.batcher.enqueue(async (trx) => {
      inner = store.meta.set('inner', 'x');
      await trx.insertInto('meta').values({ key: 'outer', value: 'y' }).execute();
    });
    await outer;
    expect(await store.meta.get('inner')).toBeUndefined();
    await inner;
    expect(await store.meta.get('inner')).toBe('x');
    expect(store.batcher.stats.batchesCommitted - before).toBe(2);
  });

  it('rolls back the whole batch when one op fails: every op rejects and none is visible', async () => {
    const good1 = store.meta.set('k', 'v');
    const good2 = store.inbox.accept(inbound('m1'), 's');
    const bad = store.batcher.enqueue(async (trx) => {
      await trx.insertInto('meta').values({ key: 'x', value: 'y' }).execute();
      throw new Error('disk on fire');
    });
    const good3 = store.outbox.enqueue('telegram', outbound('r1'));

    const errors = await Promise.all(
      [good1, good2, bad, good3].map((p) => expectCoded(p, 'GATEWAY_ERR_STORE')),
    );
    for (const error of errors) {
      expect(error.message).toContain('disk on fire');
      expect((error.cause as Error).message).toBe('disk on fire');
    }
    expect(await store.meta.get('k')).toBeUndefined();
    expect(await store.meta.get('x')).toBeUndefined();
    expect(await store.inbox.listByStatus('accepted')).toEqual([]);
    expect(await store.outbox.listByStatus(['pending'])).toEqual([]);
    expect(store.batcher.stats).toMatchObject({ batchesFailed: 1, opsFailed: 4 });

    await store.meta.set('k', 'after');
    expect(await store.meta.get('k')).toBe('after');
  });

  it('rolls back a batch whose op breaks a constraint', async () => {
    const good = store.meta.set('k', 'v');
    const bad = store.batcher.enqueue(async (trx) => {
      await trx
        .insertInto('outbox')
        .values({
          idempotency_key: null as unknown as string, // breaks NOT NULL on purpose
          platform: 'x',
          session_key: 's',
          message: '{}',
          status: 'pending',
          attempts: 0,
          created_at: 0,
          updated_at: 0,
        })
        .execute();
    });
    await expectCoded(bad, 'GATEWAY_ERR_STORE');
    await expectCoded(good, 'GATEWAY_ERR_STORE');
    expect(await store.meta.get('k')).toBeUndefined();
  });

  it('flush commits what is queued now, without waiting for the next tick', async () => {
    const before = store.batcher.stats.batchesCommitted;
    const write = store.meta.set('k', 'v');
    expect(store.batcher.pending).toBe(1);
    await store.flush();
    expect(store.batcher.pending).toBe(0);
    expect(store.batcher.stats.batchesCommitted - before).toBe(1);
    await write;
  });

  it('close commits queued writes before closing', async () => {
    const path = join(dir, 'close-flush.db');
    const s = createSqliteStore({ path });
    await s.migrate();
    const write = s.meta.set('k', 'v');
    await s.close();
    await write;
    const reopened = createSqliteStore({ path });
    expect(await reopened.meta.get('k')).toBe('v');
    await reopened.close();
  });
});
