import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { KyselyStore } from '../../src/persistence/kysely-store.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import { expectCoded, inbound, outbound, outboxRow } from './store-conformance.ts';

const dir = mkdtempSync(join(tmpdir(), 'hermes-sqlite-'));
let n = 0;
const freshPath = (): string => {
  n += 1;
  return join(dir, `state-${n}.db`);
};
const open: { close(): unknown }[] = [];
/** Opens a store and registers it for cleanup. */
const openStore = async (path: string, busyTimeoutMs?: number): Promise<KyselyStore> => {
  const store = createSqliteStore({ path, ...(busyTimeoutMs === undefined ? {} : { busyTimeoutMs }) });
  open.push(store);
  await store.migrate();
  return store;
};
/** A second, independent connection to the same file (as another process would have). */
const secondConnection = (path: string): SQLite.Database => {
  const db = new SQLite(path);
  open.push(db);
  return db;
};

afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite store on a file', () => {
  it('keeps everything across closing and reopening the file', async () => {
    const path = freshPath();
    const first = await openStore(path);
    const accepted = await first.inbox.accept(inbound('m1'), 'telegram:dm:42');
    const reply = await first.outbox.enqueue('telegram', outbound('r1'));
    await first.outbox.markSending(reply);
    await first.actors.save({
      actorId: 's',
      kind: 'session',
      machineVersion: 1,
      snapshot: { q: [1] },
      state: 'running',
    });
    await first.timers.set({ key: 'idle:s', actorId: 's', event: { type: 'IDLE' }, dueAt: 10 });
    await first.meta.set('boot', '1');
    const lease = await first.leases.acquire('session:telegram:dm:42', 'gw-1', 3_600_000);
    await first.close();

    const reopened = await openStore(path);
    expect(await reopened.inbox.accept(inbound('m1'), 'telegram:dm:42')).toEqual({
      id: accepted.id,
      duplicate: true,
    });
    expect(await reopened.outbox.recoverInFlight()).toBe(1);
    expect((await outboxRow(reopened, reply))?.status).toBe('unknown_after_send');
    expect((await reopened.actors.load('s'))?.snapshot).toEqual({ q: [1] });
    expect(await reopened.timers.list()).toHaveLength(1);
    expect(await reopened.meta.get('boot')).toBe('1');
    expect(await reopened.leases.holder('session:telegram:dm:42')).toMatchObject({ owner: 'gw-1', token: 1 });
    expect(await reopened.leases.release('session:telegram:dm:42', 'gw-1', lease!.token)).toBe(true);
    expect((await reopened.leases.acquire('session:telegram:dm:42', 'gw-2', 1000))?.token).toBe(2);
  });

  it('puts the file in WAL mode', async () => {
    const path = freshPath();
    await openStore(path);
    expect(secondConnection(path).pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('resolves a write only once another connection can read it', async () => {
    const path = freshPath();
    const store = await openStore(path);
    const reader = secondConnection(path);
    const read = () => reader.prepare('select value from meta where key = ?').pluck().get('k');

    const write = store.meta.set('k', 'v');
    expect(read()).toBeUndefined();
    const seenOnResolve = await write.then(() => read());
    expect(seenOnResolve).toBe('v');

    // The earliest moment a caller can observe the resolution: a callback on the batcher's own promise.
    const raw = store.batcher.enqueue(async (trx) => {
      await trx.updateTable('meta').set({ value: 'v2' }).where('key', '=', 'k').execute();
    });
    expect(await raw.then(() => read())).toBe('v2');
  });

  it('makes queued writes readable by another connection when flushed', async () => {
    const path = freshPath();
    const store = await openStore(path);
    const reader = secondConnection(path);
    const write = store.inbox.accept(inbound('m1'), 's');
    await store.flush();
    expect(reader.prepare('select count(*) from inbox').pluck().get()).toBe(1);
    await write;
  });

  it('reports a corrupt snapshot as GATEWAY_ERR_SNAPSHOT naming the actor', async () => {
    const path = freshPath();
    const store = await openStore(path);
    await store.actors.save({
      actorId: 'session:7',
      kind: 'session',
      machineVersion: 1,
      snapshot: {},
      state: 'idle',
    });
    secondConnection(path)
      .prepare("update actors set snapshot = '{not json' where actor_id = 'session:7'")
      .run();
    const error = await expectCoded(store.actors.load('session:7'), 'GATEWAY_ERR_SNAPSHOT');
    expect(error.message).toContain('session:7');
  });

  it('refuses to run on a database written by a newer version with an unknown migration', async () => {
    const path = freshPath();
    const store = await openStore(path);
    await store.close();
    const other = secondConnection(path);
    other
      .prepare("insert into kysely_migration (name, timestamp) values ('9999_future', '2100-01-01')")
      .run();
    const reopened = createSqliteStore({ path });
    open.push(reopened);
    const error = await expectCoded(reopened.migrate(), 'GATEWAY_ERR_STORE');
    expect(error.message).toContain(path);
  });

  it('fails a write blocked by another writer with GATEWAY_ERR_STORE, then works once the lock is gone', async () => {
    const path = freshPath();
    const store = await openStore(path, 20);
    const other = secondConnection(path);
    other.exec('begin immediate');
    await expectCoded(store.meta.set('k', 'v'), 'GATEWAY_ERR_STORE');
    other.exec('rollback');
    await store.meta.set('k', 'v2');
    expect(await store.meta.get('k')).toBe('v2');
  });
});

describe('SQLite store that cannot open its file', () => {
  it('names the path when the folder does not exist', () => {
    const path = join(dir, 'missing-folder', 'state.db');
    try {
      createSqliteStore({ path });
      expect.unreachable('opening should fail');
    } catch (error) {
      expect(error).toMatchObject({ name: 'GatewayError', code: 'GATEWAY_ERR_STORE' });
      expect((error as Error).message).toContain(path);
    }
  });

  it('names the path when the file is not a SQLite database', () => {
    const path = join(dir, 'not-a-db.db');
    writeFileSync(path, 'this is a text file, certainly not SQLite '.repeat(50));
    expect(() => createSqliteStore({ path })).toThrow(expect.objectContaining({ code: 'GATEWAY_ERR_STORE' }));
    expect(() => createSqliteStore({ path })).toThrow(path);
  });

  it('names the path when it is a folder', () => {
    const folder = join(dir, 'a-folder.db');
    mkdirSync(folder);
    expect(() => createSqliteStore({ path: folder })).toThrow(
      expect.objectContaining({ code: 'GATEWAY_ERR_STORE' }),
    );
    expect(() => createSqliteStore({ path: folder })).toThrow(folder);
  });
});
