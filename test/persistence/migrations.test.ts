/**
 * Migrations: numbered without gaps, and every golden database (a database at
 * an older migration, as on users' disks) upgrades to the latest schema
 * without changing a row, ending with exactly the schema a new database gets.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { gatewayMigrations } from '../../src/persistence/migrations.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import type { Store } from '../../src/persistence/store.ts';
import { migrationOfGoldenFile } from '../fixtures/databases/golden-database.ts';
import { inbound, outboxRow } from './store-conformance.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'databases');
const golden = readdirSync(fixtures)
  .map((file) => ({ file, migration: migrationOfGoldenFile(file) }))
  .filter((g): g is { file: string; migration: string } => g.migration !== undefined)
  .sort((a, b) => a.migration.localeCompare(b.migration));
const names = Object.keys(gatewayMigrations('sqlite'));
const latest = names.at(-1)!;

const dir = mkdtempSync(join(tmpdir(), 'hermes-migrations-'));
let n = 0;
const open: Store[] = [];
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A new database file holding the golden database `file`. */
function restoreGolden(file: string): string {
  n += 1;
  const path = join(dir, `golden-${n}.db`);
  const db = new SQLite(path);
  db.exec(readFileSync(join(fixtures, file), 'utf8'));
  db.close();
  return path;
}

/** The schema objects of a database (tables and indexes, kysely's own excluded), by name. */
function schemaOf(path: string): Record<string, string> {
  const db = new SQLite(path, { readonly: true });
  try {
    const rows = db
      .prepare(
        "select name, sql from sqlite_master where sql is not null and name not like 'sqlite_%' and name not like 'kysely_%' order by name",
      )
      .all() as { name: string; sql: string }[];
    return Object.fromEntries(rows.map((r) => [r.name, r.sql]));
  } finally {
    db.close();
  }
}

/** Every row of every table of a database, kysely's bookkeeping excluded. */
function rowsOf(path: string, tables: string[]): Record<string, unknown[]> {
  const db = new SQLite(path, { readonly: true });
  try {
    return Object.fromEntries(
      tables.map((t) => [t, db.prepare(`select * from "${t}" order by rowid`).all()]),
    );
  } finally {
    db.close();
  }
}

async function openMigrated(path: string): Promise<Store> {
  const store = createSqliteStore({ path, now: () => 1_704_067_200_000 });
  open.push(store);
  await store.migrate();
  return store;
}

describe('migrations', () => {
  it('are numbered 0001, 0002, ... without gaps, in order, the same for every dialect', () => {
    expect(names.map((name) => name.slice(0, 5))).toEqual(
      names.map((_, i) => `${String(i + 1).padStart(4, '0')}_`),
    );
    expect(names).toEqual([...names].sort());
    expect(Object.keys(gatewayMigrations('postgres'))).toEqual(names);
  });

  it('have a golden database for the latest migration and the one before', () => {
    expect(golden.map((g) => g.migration)).toEqual(expect.arrayContaining(names.slice(-2)));
  });

  describe.each(golden)('golden database $migration', ({ file }) => {
    it(`upgrades to ${latest} keeping every row, with the schema of a new database`, async () => {
      const path = restoreGolden(file);
      const tables = Object.keys(schemaOf(path)).filter((name) => !name.endsWith('_idx'));
      const before = rowsOf(path, tables);
      const store = await openMigrated(path);
      await store.close();

      expect(rowsOf(path, tables)).toEqual(before);
      n += 1;
      const fresh = join(dir, `fresh-${n}.db`);
      await (await openMigrated(fresh)).close();
      expect(schemaOf(path)).toEqual(schemaOf(fresh));
      const applied = new SQLite(path, { readonly: true });
      expect(applied.prepare('select name from kysely_migration order by name').pluck().all()).toEqual(names);
      applied.close();
    });

    it('serves its old rows through the store, and leases after the upgrade', async () => {
      const store = await openMigrated(restoreGolden(file));
      expect(await store.inbox.accept(inbound('tg-1'), 'telegram:dm:42')).toEqual({ id: 1, duplicate: true });
      expect(await outboxRow(store, 1)).toMatchObject({ status: 'sent', platformMessageId: 'tg-2' });
      expect((await store.actors.load('telegram:dm:42'))?.state).toBe('idle');
      expect((await store.transcript.usage('telegram:dm:42/1')).turns).toBe(1);
      expect(await store.timers.list()).toHaveLength(1);
      expect(await store.pairing.getApproved('discord', '7')).toMatchObject({ userName: 'Grace' });
      expect((await store.cron.get('cron_golden1'))?.deliverTo).toEqual({
        kind: 'origin',
        platform: 'telegram',
        chatType: 'dm',
        chatId: '42',
      });
      const grant = await store.leases.acquire('breaker:telegram:leader', 'gw-new', 30_000);
      expect(grant?.token).toBe(1);
      expect(await store.leases.isCurrent('breaker:telegram:leader', grant!.token)).toBe(true);
    });
  });
});
