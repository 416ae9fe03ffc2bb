/** The durable inbox on SQL, deduplicated on (platform, platform_message_id). */
import type { Selectable } from 'kysely';
import type { InboundMessage } from '../adapters/contract.ts';
import { fromJsonText, toJsonText } from './json-text.ts';
import type { InboxTable } from './schema.ts';
import { readQuery, type SqlContext } from './sql-context.ts';
import type { InboxRow, InboxStatus, InboxStore } from './store.ts';

/** Maps an `inbox` row to an `InboxRow`. */
function toInboxRow(row: Selectable<InboxTable>): InboxRow {
  return {
    id: Number(row.id),
    platform: row.platform,
    platformMessageId: row.platform_message_id,
    sessionKey: row.session_key,
    message: fromJsonText<InboundMessage>(row.message, `inbox row ${row.id}`),
    status: row.status as InboxStatus,
    receivedAt: Number(row.received_at),
  };
}

/** `InboxStore` on kysely: writes through the batcher, reads straight from the database. */
export class SqlInboxStore implements InboxStore {
  readonly #ctx: SqlContext;

  /** @param ctx - database, batcher and clock */
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  /** Accepts a message (status `accepted`); a repeat gives the first row's id with `duplicate: true`. */
  async accept(message: InboundMessage, sessionKey: string): Promise<{ id: number; duplicate: boolean }> {
    const values = {
      platform: message.platform,
      platform_message_id: message.platformMessageId,
      session_key: sessionKey,
      message: toJsonText(message, `message ${message.platformMessageId} of ${message.platform}`),
      status: 'accepted' satisfies InboxStatus,
      received_at: this.#ctx.now(),
    };
    return this.#ctx.batcher.enqueue(async (trx) => {
      const inserted = await trx
        .insertInto('inbox')
        .values(values)
        .onConflict((oc) => oc.columns(['platform', 'platform_message_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) return { id: Number(inserted.id), duplicate: false };
      const existing = await trx
        .selectFrom('inbox')
        .select('id')
        .where('platform', '=', values.platform)
        .where('platform_message_id', '=', values.platform_message_id)
        .executeTakeFirstOrThrow();
      return { id: Number(existing.id), duplicate: true };
    });
  }

  /** Sets the status of the given rows (unknown ids are ignored). */
  async setStatus(ids: number[], status: InboxStatus): Promise<void> {
    if (ids.length === 0) return;
    await this.#ctx.batcher.enqueue(async (trx) => {
      await trx.updateTable('inbox').set({ status }).where('id', 'in', ids).execute();
    });
  }

  /** One row, or undefined. */
  async get(id: number): Promise<InboxRow | undefined> {
    const row = await readQuery(this.#ctx, `inbox row ${id}`, () =>
      this.#ctx.db.selectFrom('inbox').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row ? toInboxRow(row) : undefined;
  }

  /** Rows with a status, in the order they were accepted. */
  async listByStatus(status: InboxStatus): Promise<InboxRow[]> {
    const rows = await readQuery(this.#ctx, `${status} inbox rows`, () =>
      this.#ctx.db.selectFrom('inbox').selectAll().where('status', '=', status).orderBy('id').execute(),
    );
    return rows.map(toInboxRow);
  }
}
