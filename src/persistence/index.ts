/** The persistence API: the store contract (with the lease seam), the SQLite store (on a file or in memory) and the group commit. */

export { createKyselyStore, type KyselyStore, type KyselyStoreOptions } from './kysely-store.ts';
export { type LeaseArgument, LeaseError } from './lease-error.ts';
export { createMemoryStore, type MemoryStoreOptions } from './memory-store.ts';
export { gatewayMigrations, migrateToLatest, type SqlDialectName } from './migrations.ts';
export type { Database } from './schema.ts';
export { createSqliteStore, DEFAULT_BUSY_TIMEOUT_MS, type SqliteStoreOptions } from './sqlite-store.ts';
export type * from './store.ts';
export { WriteBatcher, type WriteBatcherStats, type WriteOp } from './write-batcher.ts';
