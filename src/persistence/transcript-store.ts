/** The conversation transcript on SQL, with token usage per entry. */
import type { Selectable } from 'kysely';
import type { TranscriptTable } from './schema.ts';
import { readQuery, type SqlContext } from './sql-context.ts';
import type { TranscriptEntry, TranscriptStore, TranscriptSummary } from './store.ts';
import { summarizeUsage } from './transcript-summary.ts';

/** Maps a `transcript` row to a `TranscriptEntry`. */
function toEntry(row: Selectable<TranscriptTable>): TranscriptEntry {
  return {
    id: Number(row.id),
    sessionKey: row.session_key,
    conversationId: row.conversation_id,
    role: row.role as TranscriptEntry['role'],
    content: row.content,
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    model: row.model,
    inboxId: row.inbox_id === null ? null : Number(row.inbox_id),
    createdAt: Number(row.created_at),
  };
}

/** `TranscriptStore` on kysely: writes through the batcher, reads straight from the database. */
export class SqlTranscriptStore implements TranscriptStore {
  readonly #ctx: SqlContext;

  /** @param ctx - database, batcher and clock */
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  /** Appends an entry; `createdAt` defaults to now. Resolves with its id after commit. */
  async append(entry: Omit<TranscriptEntry, 'id' | 'createdAt'> & { createdAt?: number }): Promise<number> {
    const values = {
      session_key: entry.sessionKey,
      conversation_id: entry.conversationId,
      role: entry.role,
      content: entry.content,
      input_tokens: entry.inputTokens,
      output_tokens: entry.outputTokens,
      model: entry.model,
      inbox_id: entry.inboxId,
      created_at: entry.createdAt ?? this.#ctx.now(),
    };
    return this.#ctx.batcher.enqueue(async (trx) => {
      const row = await trx.insertInto('transcript').values(values).returning('id').executeTakeFirstOrThrow();
      return Number(row.id);
    });
  }

  /** Entries of one conversation in the order they were appended. */
  async list(conversationId: string): Promise<TranscriptEntry[]> {
    const rows = await readQuery(this.#ctx, `conversation ${conversationId}`, () =>
      this.#ctx.db
        .selectFrom('transcript')
        .selectAll()
        .where('conversation_id', '=', conversationId)
        .orderBy('id')
        .execute(),
    );
    return rows.map(toEntry);
  }

  /** Entries of every conversation of a session in the order they were appended. */
  async listBySession(sessionKey: string): Promise<TranscriptEntry[]> {
    const rows = await readQuery(this.#ctx, `the transcript of ${sessionKey}`, () =>
      this.#ctx.db
        .selectFrom('transcript')
        .selectAll()
        .where('session_key', '=', sessionKey)
        .orderBy('id')
        .execute(),
    );
    return rows.map(toEntry);
  }

  /** Token totals of a conversation; `turns` counts its assistant answers. */
  async usage(conversationId: string): Promise<{ inputTokens: number; outputTokens: number; turns: number }> {
    const row = await readQuery(this.#ctx, `the usage of conversation ${conversationId}`, () =>
      this.#ctx.db
        .selectFrom('transcript')
        .select((eb) => [
          eb.fn.sum<number | string | null>('input_tokens').as('input_tokens'),
          eb.fn.sum<number | string | null>('output_tokens').as('output_tokens'),
          eb.fn.countAll<number | string>().filterWhere('role', '=', 'assistant').as('turns'),
        ])
        .where('conversation_id', '=', conversationId)
        .executeTakeFirstOrThrow(),
    );
    return {
      inputTokens: Number(row.input_tokens ?? 0),
      outputTokens: Number(row.output_tokens ?? 0),
      turns: Number(row.turns),
    };
  }

  /** Usage analytics since `sinceMs`: grouped by (session, model) in SQL, totalled by `summarizeUsage`. */
  async summary(sinceMs: number): Promise<TranscriptSummary> {
    const rows = await readQuery(this.#ctx, 'the usage summary', () =>
      this.#ctx.db
        .selectFrom('transcript')
        .select((eb) => [
          'session_key',
          'model',
          eb.fn.sum<number | string | null>('input_tokens').as('input_tokens'),
          eb.fn.sum<number | string | null>('output_tokens').as('output_tokens'),
          eb.fn.countAll<number | string>().filterWhere('role', '=', 'assistant').as('turns'),
        ])
        .where('created_at', '>=', sinceMs)
        .groupBy(['session_key', 'model'])
        .execute(),
    );
    return summarizeUsage(
      rows.map((row) => ({
        sessionKey: row.session_key,
        model: row.model,
        turns: Number(row.turns),
        inputTokens: Number(row.input_tokens ?? 0),
        outputTokens: Number(row.output_tokens ?? 0),
      })),
    );
  }

  /** Moves entries to another conversation; resolves after commit. */
  async moveEntries(ids: number[], conversationId: string): Promise<void> {
    if (ids.length === 0) return;
    await this.#ctx.batcher.enqueue(async (trx) => {
      await trx
        .updateTable('transcript')
        .set({ conversation_id: conversationId })
        .where('id', 'in', ids)
        .execute();
    });
  }
}
