/**
 * What every SQL-backed store part shares: the database for reads, the
 * batcher for writes, the clock, and helpers that turn failures into coded
 * errors naming the database.
 */
import type { Kysely } from 'kysely';
import { GatewayError } from '../errors.ts';
import type { Database } from './schema.ts';
import type { WriteBatcher } from './write-batcher.ts';

/** Shared dependencies of the SQL store parts. */
export interface SqlContext {
  /** Reads go straight to the database. */
  readonly db: Kysely<Database>;
  /** Every write goes through the batcher (group commit). */
  readonly batcher: WriteBatcher;
  /** Epoch milliseconds now. */
  readonly now: () => number;
  /** Where the data lives (a file path), for error messages. */
  readonly where: string;
}

/**
 * Runs a read and turns an unexpected failure into `GATEWAY_ERR_STORE`.
 *
 * @param what - what was being read, e.g. `inbox row 4`
 */
export async function readQuery<T>(ctx: SqlContext, what: string, query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new GatewayError(
      'GATEWAY_ERR_STORE',
      `Cannot read ${what} from ${ctx.where}: ${reason}`,
      {},
      { cause: error },
    );
  }
}
