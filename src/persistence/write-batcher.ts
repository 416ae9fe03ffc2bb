/**
 * Group commit: every write enqueued during the same tick runs in one
 * transaction, flushed on `setImmediate`, so the writes made by several
 * synchronous actions of one state transition land together and cost one
 * commit. Each write's promise settles only after its transaction ended:
 * it resolves with the op's value after COMMIT, or every op of the batch
 * rejects when the transaction rolled back (a bad op never lets the others
 * of its batch commit without it).
 */
import type { Kysely, Transaction } from 'kysely';
import { GatewayError } from '../errors.ts';
import type { Database } from './schema.ts';

/**
 * One write. It runs inside the batch transaction and must use `trx` for every
 * query (the database itself is locked by the transaction until it ends). It
 * must not await another enqueued write: that one commits in a later batch.
 */
export type WriteOp<T> = (trx: Transaction<Database>) => Promise<T>;

/** Counters of committed work, for tests and benchmarks. */
export interface WriteBatcherStats {
  /** Transactions committed. */
  batchesCommitted: number;
  /** Ops committed (over all batches). */
  opsCommitted: number;
  /** Transactions rolled back. */
  batchesFailed: number;
  /** Ops rejected because their batch rolled back. */
  opsFailed: number;
}

interface PendingOp {
  run: WriteOp<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Serialises writes into group-committed transactions. */
export class WriteBatcher {
  readonly #db: Kysely<Database>;
  #queue: PendingOp[] = [];
  #timer: NodeJS.Immediate | undefined;
  #running: Promise<void> | undefined;
  #closed = false;
  readonly #stats: WriteBatcherStats = {
    batchesCommitted: 0,
    opsCommitted: 0,
    batchesFailed: 0,
    opsFailed: 0,
  };

  /** @param db - the database the batches commit to */
  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** A copy of the counters. */
  get stats(): WriteBatcherStats {
    return { ...this.#stats };
  }

  /** Ops waiting for the next batch. */
  get pending(): number {
    return this.#queue.length;
  }

  /**
   * Queues a write for the next batch; resolves with its value after that batch committed.
   *
   * @throws GatewayError `GATEWAY_ERR_STORE` (as a rejection) when the batch rolled back
   *   (`cause` holds the error that broke it) or the batcher is closed.
   */
  enqueue<T>(op: WriteOp<T>): Promise<T> {
    if (this.#closed) {
      return Promise.reject(
        new GatewayError('GATEWAY_ERR_STORE', 'The store is closed; the write was refused'),
      );
    }
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run: op, resolve: resolve as (value: unknown) => void, reject });
      this.#schedule();
    });
  }

  /**
   * Commits what is queued now (and waits for a batch already committing).
   * Resolves when those writes are settled; a failed write is reported through
   * its own promise, not here.
   */
  async flush(): Promise<void> {
    while (this.#running) await this.#running;
    if (this.#timer !== undefined) {
      clearImmediate(this.#timer);
      this.#timer = undefined;
    }
    if (this.#queue.length > 0) this.#startBatch();
    const batch = this.#running;
    if (batch) await batch;
  }

  /** Flushes, then refuses further writes. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    // Writes enqueued by the last batch's callers before the flag was set.
    await this.flush();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#running) return;
    this.#timer = setImmediate(() => {
      this.#timer = undefined;
      if (!this.#running && this.#queue.length > 0) this.#startBatch();
    });
  }

  #startBatch(): void {
    const batch = this.#queue;
    this.#queue = [];
    this.#running = this.#commit(batch).finally(() => {
      this.#running = undefined;
      if (this.#queue.length > 0) this.#schedule();
    });
  }

  async #commit(batch: PendingOp[]): Promise<void> {
    let failedAt = -1;
    let results: unknown[];
    try {
      results = await this.#db.transaction().execute(async (trx) => {
        const out: unknown[] = [];
        for (const [index, op] of batch.entries()) {
          failedAt = index;
          out.push(await op.run(trx));
        }
        failedAt = -1;
        return out;
      });
    } catch (error) {
      this.#stats.batchesFailed += 1;
      this.#stats.opsFailed += batch.length;
      const reason = error instanceof Error ? error.message : String(error);
      const where = failedAt >= 0 ? `op ${failedAt + 1} of ${batch.length} failed` : 'the commit failed';
      for (const [index, op] of batch.entries()) {
        op.reject(
          new GatewayError(
            'GATEWAY_ERR_STORE',
            `Write rolled back: ${where}: ${reason}`,
            { batchSize: batch.length, failedOp: failedAt >= 0 ? failedAt : undefined, op: index },
            { cause: error },
          ),
        );
      }
      return;
    }
    this.#stats.batchesCommitted += 1;
    this.#stats.opsCommitted += batch.length;
    for (const [index, op] of batch.entries()) op.resolve(results[index]);
  }
}
