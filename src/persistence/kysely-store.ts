/**
 * A `Store` on any kysely database: the SQL store parts over one batcher.
 * `createSqliteStore()` builds one on better-sqlite3; a PostgreSQL store can
 * reuse it with a PostgreSQL dialect and the same migrations.
 */
import type { Kysely } from 'kysely';
import { SqlActorStore } from './actor-store.ts';
import { SqlCronStore } from './cron-store.ts';
import { SqlInboxStore } from './inbox-store.ts';
import { SqlLeaseStore } from './lease-store.ts';
import { SqlMetaStore } from './meta-store.ts';
import { migrateToLatest, type SqlDialectName } from './migrations.ts';
import { SqlOutboxStore } from './outbox-store.ts';
import { SqlPairingStore } from './pairing-store.ts';
import type { Database } from './schema.ts';
import type { SqlContext } from './sql-context.ts';
import type { Store } from './store.ts';
import { SqlTimerStore } from './timer-store.ts';
import { SqlTranscriptStore } from './transcript-store.ts';
import { WriteBatcher } from './write-batcher.ts';

/** Options of `createKyselyStore()`. */
export interface KyselyStoreOptions {
  /** The database; `close()` destroys it. */
  db: Kysely<Database>;
  /** The SQL dialect the migrations are written for. */
  dialect: SqlDialectName;
  /** Where the data lives (file path or server), for error messages. */
  where: string;
  /** Clock in epoch milliseconds; defaults to `Date.now`. */
  now?: () => number;
}

/** A `Store` on kysely, with its database and batcher exposed for multi-table writes, tests and benchmarks. */
export interface KyselyStore extends Store {
  /** The database (reads; writes belong in `batcher.enqueue`). */
  readonly db: Kysely<Database>;
  /** The group commit every write of this store goes through. */
  readonly batcher: WriteBatcher;
}

/**
 * Builds a `Store` on a kysely database.
 *
 * @example
 * const store = createKyselyStore({ db, dialect: 'postgres', where: 'postgres://db/hermes' });
 * await store.migrate();
 */
export function createKyselyStore(opts: KyselyStoreOptions): KyselyStore {
  const batcher = new WriteBatcher(opts.db);
  const ctx: SqlContext = { db: opts.db, batcher, now: opts.now ?? Date.now, where: opts.where };
  let closing: Promise<void> | undefined;
  return {
    db: opts.db,
    batcher,
    migrate: () => migrateToLatest(opts.db as Kysely<unknown>, opts.dialect, opts.where),
    flush: () => batcher.flush(),
    close: () => {
      closing ??= (async () => {
        try {
          await batcher.close();
        } finally {
          await opts.db.destroy();
        }
      })();
      return closing;
    },
    actors: new SqlActorStore(ctx),
    inbox: new SqlInboxStore(ctx),
    outbox: new SqlOutboxStore(ctx),
    transcript: new SqlTranscriptStore(ctx),
    timers: new SqlTimerStore(ctx),
    meta: new SqlMetaStore(ctx),
    pairing: new SqlPairingStore(ctx),
    cron: new SqlCronStore(ctx),
    leases: new SqlLeaseStore(ctx),
  };
}
