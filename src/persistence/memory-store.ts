/**
 * The in-memory store: the SQLite store on a private `:memory:` database. It
 * is the same implementation as `createSqliteStore()` (same SQL, same group
 * commit, same ordering and errors), so what passes on it passes on a file;
 * only nothing outlives `close()` or the process.
 */
import type { KyselyStore } from './kysely-store.ts';
import { openSqliteStore } from './sqlite-store.ts';

/** Options of `createMemoryStore()`. */
export interface MemoryStoreOptions {
  /** Clock in epoch milliseconds; defaults to `Date.now`. */
  now?: () => number;
}

/**
 * Creates an empty store in memory, ready to use at once: its schema is created
 * before the first query (`migrate()` is accepted and finds nothing to do).
 * After `close()` every call rejects with `GATEWAY_ERR_STORE`.
 *
 * @example
 * const store = createMemoryStore();
 * await store.inbox.accept(message, 'telegram:dm:42');
 */
export function createMemoryStore(opts: MemoryStoreOptions = {}): KyselyStore {
  return openSqliteStore({ path: ':memory:', ...(opts.now ? { now: opts.now } : {}) }, true);
}
