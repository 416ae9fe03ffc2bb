/** Actor rows on SQL: one row per persisted actor, upserted on every save. */
import type { Selectable } from 'kysely';
import { fromJsonText, toJsonText } from './json-text.ts';
import type { ActorsTable } from './schema.ts';
import { readQuery, type SqlContext } from './sql-context.ts';
import type { ActorRow, ActorStore } from './store.ts';

/** Maps an `actors` row to an `ActorRow` (snapshot parsed). */
function toActorRow(row: Selectable<ActorsTable>): ActorRow {
  return {
    actorId: row.actor_id,
    kind: row.kind,
    machineVersion: Number(row.machine_version),
    snapshot: fromJsonText(row.snapshot, `The snapshot of actor ${row.actor_id}`, 'GATEWAY_ERR_SNAPSHOT'),
    state: row.state,
    updatedAt: Number(row.updated_at),
  };
}

/** `ActorStore` on kysely: writes through the batcher, reads straight from the database. */
export class SqlActorStore implements ActorStore {
  readonly #ctx: SqlContext;

  /** @param ctx - database, batcher and clock */
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  /** Inserts or replaces the actor's row; `updatedAt` defaults to now. */
  async save(row: Omit<ActorRow, 'updatedAt'> & { updatedAt?: number }): Promise<void> {
    const values = {
      kind: row.kind,
      machine_version: row.machineVersion,
      state: row.state,
      snapshot: toJsonText(row.snapshot, `the snapshot of actor ${row.actorId}`),
      updated_at: row.updatedAt ?? this.#ctx.now(),
    };
    await this.#ctx.batcher.enqueue(async (trx) => {
      await trx
        .insertInto('actors')
        .values({ actor_id: row.actorId, ...values })
        .onConflict((oc) => oc.column('actor_id').doUpdateSet(values))
        .execute();
    });
  }

  /** The actor's row, or undefined. */
  async load(actorId: string): Promise<ActorRow | undefined> {
    const row = await readQuery(this.#ctx, `actor ${actorId}`, () =>
      this.#ctx.db.selectFrom('actors').selectAll().where('actor_id', '=', actorId).executeTakeFirst(),
    );
    return row ? toActorRow(row) : undefined;
  }

  /** Rows of a kind (by actor id), optionally only those whose state is one of `states`. */
  async list(kind: string, states?: string[]): Promise<ActorRow[]> {
    if (states !== undefined && states.length === 0) return [];
    const rows = await readQuery(this.#ctx, `actors of kind ${kind}`, () => {
      let query = this.#ctx.db.selectFrom('actors').selectAll().where('kind', '=', kind);
      if (states !== undefined) query = query.where('state', 'in', states);
      return query.orderBy('actor_id').execute();
    });
    return rows.map(toActorRow);
  }
}
