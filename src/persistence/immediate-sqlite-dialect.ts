/**
 * kysely's SQLite dialect with write transactions opened by `BEGIN IMMEDIATE`.
 * A deferred transaction that reads before it writes cannot wait for the write
 * lock when another connection (the `hermes` command, a backup tool) committed
 * meanwhile: SQLite answers SQLITE_BUSY at once. Taking the write lock up front
 * lets `busy_timeout` do its job.
 */

import type { SqliteDialectConfig } from 'kysely';
import { CompiledQuery, type DatabaseConnection, type Driver, SqliteDialect, SqliteDriver } from 'kysely';

/** The SQLite driver whose transactions start with `BEGIN IMMEDIATE`. */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** `SqliteDialect` whose transactions take the write lock when they begin. */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  /** @param config - the same configuration `SqliteDialect` takes */
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
