/** The durable outbox on SQL: one row per logical reply, unique on its idempotency key. */
import type { Selectable, Updateable } from 'kysely';
import type { OutboundMessage } from '../adapters/contract.ts';
import { fromJsonText, toJsonText } from './json-text.ts';
import type { OutboxTable } from './schema.ts';
import { readQuery, type SqlContext } from './sql-context.ts';
import type { OutboxRow, OutboxStatus, OutboxStore } from './store.ts';

/** `last_error` written by `recoverInFlight()`. */
const IN_FLIGHT_AT_STOP = 'The gateway stopped while this reply was being sent; delivery is unknown';

/** Maps an `outbox` row to an `OutboxRow`. */
function toOutboxRow(row: Selectable<OutboxTable>): OutboxRow {
  return {
    id: Number(row.id),
    idempotencyKey: row.idempotency_key,
    platform: row.platform,
    sessionKey: row.session_key,
    message: fromJsonText<OutboundMessage>(row.message, `outbox row ${row.id}`),
    status: row.status as OutboxStatus,
    attempts: Number(row.attempts),
    platformMessageId: row.platform_message_id,
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** `OutboxStore` on kysely: writes through the batcher, reads straight from the database. */
export class SqlOutboxStore implements OutboxStore {
  readonly #ctx: SqlContext;

  /** @param ctx - database, batcher and clock */
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  /** Adds a `pending` reply; the same idempotency key again returns the first row's id and changes nothing. */
  async enqueue(platform: string, message: OutboundMessage): Promise<number> {
    const now = this.#ctx.now();
    const values = {
      idempotency_key: message.idempotencyKey,
      platform,
      session_key: message.sessionKey,
      message: toJsonText(message, `reply ${message.idempotencyKey}`),
      status: 'pending' satisfies OutboxStatus,
      attempts: 0,
      created_at: now,
      updated_at: now,
    };
    return this.#ctx.batcher.enqueue(async (trx) => {
      const inserted = await trx
        .insertInto('outbox')
        .values(values)
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) return Number(inserted.id);
      const existing = await trx
        .selectFrom('outbox')
        .select('id')
        .where('idempotency_key', '=', values.idempotency_key)
        .executeTakeFirstOrThrow();
      return Number(existing.id);
    });
  }

  /** `sending`, one more attempt counted. */
  async markSending(id: number): Promise<void> {
    const now = this.#ctx.now();
    await this.#ctx.batcher.enqueue(async (trx) => {
      await trx
        .updateTable('outbox')
        .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), updated_at: now }))
        .where('id', '=', id)
        .execute();
    });
  }

  /** `sent`, with the platform's message id when it gave one. */
  async markSent(id: number, platformMessageId?: string): Promise<void> {
    const changes: Updateable<OutboxTable> = { status: 'sent' };
    if (platformMessageId !== undefined) changes.platform_message_id = platformMessageId;
    await this.#update(id, changes);
  }

  /** Back to `pending` with the error of the failed attempt. */
  async markRetry(id: number, error: string): Promise<void> {
    await this.#update(id, { status: 'pending', last_error: error });
  }

  /** `failed` for good, with the error. */
  async markFailed(id: number, error: string): Promise<void> {
    await this.#update(id, { status: 'failed', last_error: error });
  }

  /** Rows with one of the statuses (optionally of one platform), oldest first. */
  async listByStatus(statuses: OutboxStatus[], platform?: string, sessionKey?: string): Promise<OutboxRow[]> {
    if (statuses.length === 0) return [];
    const rows = await readQuery(this.#ctx, `${statuses.join('/')} outbox rows`, () => {
      let query = this.#ctx.db.selectFrom('outbox').selectAll().where('status', 'in', statuses);
      if (platform !== undefined) query = query.where('platform', '=', platform);
      if (sessionKey !== undefined) query = query.where('session_key', '=', sessionKey);
      return query.orderBy('id').execute();
    });
    return rows.map(toOutboxRow);
  }

  /** Every `sending` row becomes `unknown_after_send`; returns how many. */
  async recoverInFlight(): Promise<number> {
    const now = this.#ctx.now();
    return this.#ctx.batcher.enqueue(async (trx) => {
      const result = await trx
        .updateTable('outbox')
        .set({ status: 'unknown_after_send', last_error: IN_FLIGHT_AT_STOP, updated_at: now })
        .where('status', '=', 'sending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    });
  }

  async #update(id: number, changes: Updateable<OutboxTable>): Promise<void> {
    const values = { ...changes, updated_at: this.#ctx.now() };
    await this.#ctx.batcher.enqueue(async (trx) => {
      await trx.updateTable('outbox').set(values).where('id', '=', id).execute();
    });
  }
}
