/** Durable timers on SQL: one row per key, listed by due time. */
import type { Selectable } from 'kysely';
import { fromJsonText, toJsonText } from './json-text.ts';
import type { TimersTable } from './schema.ts';
import { readQuery, type SqlContext } from './sql-context.ts';
import type { TimerRow, TimerStore } from './store.ts';

/** Maps a `timers` row to a `TimerRow`. */
function toTimerRow(row: Selectable<TimersTable>): TimerRow {
  return {
    key: row.key,
    actorId: row.actor_id,
    event: fromJsonText<TimerRow['event']>(row.event, `timer ${row.key}`),
    dueAt: Number(row.due_at),
  };
}

/** `TimerStore` on kysely: writes through the batcher, reads straight from the database. */
export class SqlTimerStore implements TimerStore {
  readonly #ctx: SqlContext;

  /** @param ctx - database, batcher and clock */
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  /** Sets a timer; an existing timer with the same key is replaced. */
  async set(timer: TimerRow): Promise<void> {
    const values = {
      actor_id: timer.actorId,
      event: toJsonText(timer.event, `the event of timer ${timer.key}`),
      due_at: timer.dueAt,
    };
    await this.#ctx.batcher.enqueue(async (trx) => {
      await trx
        .insertInto('timers')
        .values({ key: timer.key, ...values })
        .onConflict((oc) => oc.column('key').doUpdateSet(values))
        .execute();
    });
  }

  /** Removes a timer (no-op when absent). */
  async cancel(key: string): Promise<void> {
    await this.#ctx.batcher.enqueue(async (trx) => {
      await trx.deleteFrom('timers').where('key', '=', key).execute();
    });
  }

  /** Every timer, soonest first (ties by key). */
  async list(): Promise<TimerRow[]> {
    const rows = await readQuery(this.#ctx, 'timers', () =>
      this.#ctx.db.selectFrom('timers').selectAll().orderBy('due_at').orderBy('key').execute(),
    );
    return rows.map(toTimerRow);
  }
}
