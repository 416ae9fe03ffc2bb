/**
 * The embedded default store: SQLite through better-sqlite3, in WAL mode, on
 * kysely. One file (`$HERMES_HOME/state.db`) holds everything; `:memory:`
 * works too, and is what `createMemoryStore()` opens.
 */
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { touchPrivateFile } from '../config/private-home.ts';
import { GatewayError } from '../errors.ts';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect.ts';
import { createKyselyStore, type KyselyStore } from './kysely-store.ts';
import { migrateToLatest } from './migrations.ts';
import type { Database } from './schema.ts';
import { withStatementCache } from './statement-cache.ts';

/** Options of `createSqliteStore()`. */
export interface SqliteStoreOptions {
  /** Database file, e.g. `$HERMES_HOME/state.db`, or `:memory:`. Its folder must exist. */
  path: string;
  /** How long a write waits for a lock held by another connection. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Clock in epoch milliseconds; defaults to `Date.now`. */
  now?: () => number;
}

/** Default `busyTimeoutMs`. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** Whether `path` names a database file (not `:memory:`, an empty temporary database or a `file:` URI). */
function isFilePath(path: string): boolean {
  return path !== '' && path !== ':memory:' && !path.startsWith('file:');
}

/** Opens the better-sqlite3 handle with the gateway's pragmas, or throws `GATEWAY_ERR_STORE` naming the path. */
function openDatabase(path: string, busyTimeoutMs: number): SQLite.Database {
  let sqlite: SQLite.Database | undefined;
  try {
    // created 0600 first: SQLite gives its -wal and -shm files the database file's mode
    if (isFilePath(path)) touchPrivateFile(path);
    sqlite = new SQLite(path, { timeout: busyTimeoutMs });
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
    return sqlite;
  } catch (error) {
    sqlite?.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new GatewayError(
      'GATEWAY_ERR_STORE',
      `Cannot open the database ${path}: ${reason}`,
      {
        path,
        fix: 'make sure the folder exists and is writable by the gateway user, and that the file is a SQLite database',
      },
      { cause: error },
    );
  }
}

/**
 * Builds the SQLite store. With `schemaOnFirstUse` the migrations run before
 * the first query reaches the database (for a fresh `:memory:` database, whose
 * schema can only ever be the latest one); `migrate()` then finds nothing to do.
 */
export function openSqliteStore(opts: SqliteStoreOptions, schemaOnFirstUse: boolean): KyselyStore {
  const sqlite = openDatabase(opts.path, opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({
      database: withStatementCache(sqlite),
      ...(schemaOnFirstUse
        ? {
            // A second kysely on the same handle: the store's own queries wait for this to finish.
            onCreateConnection: () =>
              migrateToLatest(
                new Kysely({ dialect: new SqliteDialect({ database: sqlite }) }),
                'sqlite',
                opts.path,
              ),
          }
        : {}),
    }),
  });
  const store = createKyselyStore({
    db,
    dialect: 'sqlite',
    where: opts.path,
    ...(opts.now ? { now: opts.now } : {}),
  });
  const closeStore = store.close;
  return {
    ...store,
    // kysely closes the handle only if a query ever opened its connection.
    close: () =>
      closeStore().finally(() => {
        if (sqlite.open) sqlite.close();
      }),
  };
}

/**
 * Opens (or creates) the SQLite database and returns the store on it.
 * Call `migrate()` before the first use.
 *
 * Pragmas: `journal_mode=WAL` (readers never block the writer),
 * `synchronous=FULL` (a committed write survives a power cut; group commit
 * keeps the cost to one sync per batch), `foreign_keys=ON`, `busy_timeout`.
 *
 * @throws GatewayError `GATEWAY_ERR_STORE` naming the path when the file cannot be
 *   opened (missing folder, no permission, not a database).
 *
 * @example
 * const store = createSqliteStore({ path: join(hermesHome, 'state.db') });
 * await store.migrate();
 */
export function createSqliteStore(opts: SqliteStoreOptions): KyselyStore {
  return openSqliteStore(opts, false);
}
