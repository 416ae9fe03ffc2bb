/** Small key/value facts about the install, on SQL. */
import { readQuery, type SqlContext } from './sql-context.ts';
import type { MetaStore } from './store.ts';

/** `MetaStore` on kysely: writes through the batcher, reads straight from the database. */
export class SqlMetaStore implements MetaStore {
  readonly #ctx: SqlContext;

  /** @param ctx - database, batcher and clock */
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  /** The value, or undefined. */
  async get(key: string): Promise<string | undefined> {
    const row = await readQuery(this.#ctx, `meta ${key}`, () =>
      this.#ctx.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst(),
    );
    return row?.value;
  }

  /** Sets (or replaces) a value. */
  async set(key: string, value: string): Promise<void> {
    await this.#ctx.batcher.enqueue(async (trx) => {
      await trx
        .insertInto('meta')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    });
  }

  /** Removes a value (no-op when absent). */
  async delete(key: string): Promise<void> {
    await this.#ctx.batcher.enqueue(async (trx) => {
      await trx.deleteFrom('meta').where('key', '=', key).execute();
    });
  }
}
