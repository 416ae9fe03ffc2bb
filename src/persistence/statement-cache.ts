/**
 * A prepared-statement cache for better-sqlite3 under kysely. Kysely prepares
 * every query anew; the gateway runs the same few dozen SQL texts over and
 * over, so reusing their prepared statements saves most of the per-query cost.
 */
import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * Wraps a better-sqlite3 database so `prepare(sql)` returns a cached statement
 * for a SQL text it has seen (up to `max` texts, least recently used dropped).
 *
 * @example
 * new SqliteDialect({ database: withStatementCache(new SQLite('state.db')) })
 */
export function withStatementCache(sqlite: SQLite.Database, max = 256): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare: (sql: string) => {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, statement);
      return statement as unknown as ReturnType<SqliteDatabase['prepare']>;
    },
  };
}
