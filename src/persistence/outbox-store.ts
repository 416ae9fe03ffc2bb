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

  /**
   * Every `sending` row becomes `unknown_after_send`; a `streaming` row whose final text was
   * committed (not a draft) becomes `pending`. Returns how many became unknown.
   */
  async recoverInFlight(): Promise<number> {
    const now = this.#ctx.now();
    return this.#ctx.batcher.enqueue(async (trx) => {
      const streamed = await trx
        .selectFrom('outbox')
        .select(['id', 'message'])
        .where('status', '=', 'streaming')
        .execute();
      for (const row of streamed) {
        const message = fromJsonText<OutboundMessage>(row.message, `outbox row ${row.id}`);
        if (message.draft) continue;
        await trx
          .updateTable('outbox')
          .set({ status: 'pending', updated_at: now })
          .where('id', '=', row.id)
          .execute();
      }
      const result = await trx
        .updateTable('outbox')
        .set({ status: 'unknown_after_send', last_error: IN_FLIGHT_AT_STOP, updated_at: now })
        .where('status', '=', 'sending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    });
  }

  /** Adopts the session's newest draft under `adoptAs` (returning its message) and closes the others. */
  async beginStream(sessionKey: string, adoptAs?: string): Promise<OutboundMessage | undefined> {
    const now = this.#ctx.now();
    return this.#ctx.batcher.enqueue(async (trx) => {
      const drafts = (
        await trx
          .selectFrom('outbox')
          .select(['id', 'message'])
          .where('session_key', '=', sessionKey)
          .where('status', '=', 'streaming')
          .orderBy('id')
          .execute()
      )
        .map((row) => ({
          id: row.id,
          message: fromJsonText<OutboundMessage>(row.message, `outbox row ${row.id}`),
        }))
        .filter((row) => row.message.draft);
      const adopted = adoptAs !== undefined ? drafts.pop() : undefined;
      for (const row of drafts) {
        await trx
          .updateTable('outbox')
          .set({ status: 'sent', updated_at: now })
          .where('id', '=', row.id)
          .execute();
      }
      if (!adopted || adoptAs === undefined) return undefined;
      const message = { ...adopted.message, idempotencyKey: adoptAs };
      await trx
        .updateTable('outbox')
        .set({
          idempotency_key: adoptAs,
          message: toJsonText(message, `reply ${adoptAs}`),
          updated_at: now,
        })
        .where('id', '=', adopted.id)
        .execute();
      return message;
    });
  }

  /** Inserts or replaces a streamed reply by its key while it is still `streaming`. */
  async saveStream(
    platform: string,
    message: OutboundMessage,
    status: 'streaming' | 'pending',
  ): Promise<void> {
    const now = this.#ctx.now();
    await this.#ctx.batcher.enqueue(async (trx) => {
      const existing = await trx
        .selectFrom('outbox')
        .select(['id', 'status', 'message'])
        .where('idempotency_key', '=', message.idempotencyKey)
        .executeTakeFirst();
      if (!existing) {
        await trx
          .insertInto('outbox')
          .values({
            idempotency_key: message.idempotencyKey,
            platform,
            session_key: message.sessionKey,
            message: toJsonText(message, `reply ${message.idempotencyKey}`),
            status,
            attempts: 0,
            created_at: now,
            updated_at: now,
          })
          .execute();
        return;
      }
      if (existing.status !== 'streaming') return;
      const before = fromJsonText<OutboundMessage>(existing.message, `outbox row ${existing.id}`);
      const editsMessage = message.editsMessage ?? before.editsMessage;
      const progressMessages = message.progressMessages ?? before.progressMessages;
      const merged: OutboundMessage = {
        ...message,
        ...(editsMessage ? { editsMessage } : {}),
        ...(progressMessages?.length ? { progressMessages } : {}),
      };
      await trx
        .updateTable('outbox')
        .set({ message: toJsonText(merged, `reply ${message.idempotencyKey}`), status, updated_at: now })
        .where('id', '=', existing.id)
        .execute();
    });
  }

  async #update(id: number, changes: Updateable<OutboxTable>): Promise<void> {
    const values = { ...changes, updated_at: this.#ctx.now() };
    await this.#ctx.batcher.enqueue(async (trx) => {
      await trx.updateTable('outbox').set(values).where('id', '=', id).execute();
    });
  }
}
