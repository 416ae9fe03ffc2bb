/**
 * Cron jobs on SQL: one row per job. Runs are taken with a compare-and-set on
 * `next_run_at`, so a job runs once even when two ticks (or two gateway
 * processes) find it due at the same time.
 */
import type { Selectable, Updateable } from 'kysely';
import { GatewayError } from '../errors.ts';
import { fromJsonText, toJsonText } from './json-text.ts';
import type { CronJobsTable } from './schema.ts';
import { readQuery, type SqlContext } from './sql-context.ts';
import type {
  CronDeliverTarget,
  CronJobChanges,
  CronJobRow,
  CronJobStatus,
  CronMissedPolicy,
  CronStore,
} from './store.ts';

/** The error `CronStore.create` gives for an id that is already taken. */
function duplicateCronJobError(id: string): GatewayError {
  return new GatewayError('GATEWAY_ERR_STORE', `A cron job with id ${id} already exists`, { id });
}

/** Maps a `cron_jobs` row to a `CronJobRow`. */
function toCronJobRow(row: Selectable<CronJobsTable>): CronJobRow {
  return {
    id: row.id,
    name: row.name,
    schedule: row.schedule,
    prompt: row.prompt,
    deliverTo: fromJsonText<CronDeliverTarget>(row.deliver_to, `the delivery target of cron job ${row.id}`),
    missedPolicy: row.missed_policy as CronMissedPolicy,
    status: row.status as CronJobStatus,
    nextRunAt: row.next_run_at === null ? null : Number(row.next_run_at),
    lastRunAt: row.last_run_at === null ? null : Number(row.last_run_at),
    lastStatus: row.last_status as CronJobRow['lastStatus'],
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
    runCount: Number(row.run_count),
  };
}

/** The columns a `CronJobChanges` sets (only the fields it names). */
function toColumns(id: string, changes: CronJobChanges): Updateable<CronJobsTable> {
  const columns: Updateable<CronJobsTable> = {};
  if (changes.name !== undefined) columns.name = changes.name;
  if (changes.schedule !== undefined) columns.schedule = changes.schedule;
  if (changes.prompt !== undefined) columns.prompt = changes.prompt;
  if (changes.deliverTo !== undefined) {
    columns.deliver_to = toJsonText(changes.deliverTo, `the delivery target of cron job ${id}`);
  }
  if (changes.missedPolicy !== undefined) columns.missed_policy = changes.missedPolicy;
  if (changes.status !== undefined) columns.status = changes.status;
  if (changes.nextRunAt !== undefined) columns.next_run_at = changes.nextRunAt;
  if (changes.lastRunAt !== undefined) columns.last_run_at = changes.lastRunAt;
  if (changes.lastStatus !== undefined) columns.last_status = changes.lastStatus;
  if (changes.lastError !== undefined) columns.last_error = changes.lastError;
  if (changes.runCount !== undefined) columns.run_count = changes.runCount;
  return columns;
}

/** `CronStore` on kysely: writes through the batcher, reads straight from the database. */
export class SqlCronStore implements CronStore {
  readonly #ctx: SqlContext;

  /** @param ctx - database, batcher and clock */
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  /** Adds a job; refuses an id that is already taken. */
  async create(job: CronJobRow): Promise<void> {
    const values = {
      id: job.id,
      name: job.name,
      schedule: job.schedule,
      prompt: job.prompt,
      deliver_to: toJsonText(job.deliverTo, `the delivery target of cron job ${job.id}`),
      missed_policy: job.missedPolicy,
      status: job.status,
      next_run_at: job.nextRunAt,
      last_run_at: job.lastRunAt,
      last_status: job.lastStatus,
      last_error: job.lastError,
      created_at: job.createdAt,
      created_by: job.createdBy,
      run_count: job.runCount,
    };
    const inserted = await this.#ctx.batcher.enqueue(async (trx) => {
      const result = await trx
        .insertInto('cron_jobs')
        .values(values)
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      return result !== undefined;
    });
    if (!inserted) throw duplicateCronJobError(job.id);
  }

  /** One job, or undefined. */
  async get(id: string): Promise<CronJobRow | undefined> {
    const row = await readQuery(this.#ctx, `cron job ${id}`, () =>
      this.#ctx.db.selectFrom('cron_jobs').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row === undefined ? undefined : toCronJobRow(row);
  }

  /** Every job, oldest first (ties by id). */
  async list(): Promise<CronJobRow[]> {
    const rows = await readQuery(this.#ctx, 'cron jobs', () =>
      this.#ctx.db.selectFrom('cron_jobs').selectAll().orderBy('created_at').orderBy('id').execute(),
    );
    return rows.map(toCronJobRow);
  }

  /** Changes the named fields; the job after the change, or undefined when absent. */
  async update(id: string, changes: CronJobChanges): Promise<CronJobRow | undefined> {
    const columns = toColumns(id, changes);
    const row = await this.#ctx.batcher.enqueue(async (trx) => {
      if (Object.keys(columns).length > 0) {
        await trx.updateTable('cron_jobs').set(columns).where('id', '=', id).execute();
      }
      return trx.selectFrom('cron_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    });
    return row === undefined ? undefined : toCronJobRow(row);
  }

  /** Removes a job; true when it existed. */
  async remove(id: string): Promise<boolean> {
    return this.#ctx.batcher.enqueue(async (trx) => {
      const result = await trx.deleteFrom('cron_jobs').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  /** Active jobs due at `nowMs`, soonest first (ties by id). */
  async due(nowMs: number): Promise<CronJobRow[]> {
    const rows = await readQuery(this.#ctx, 'due cron jobs', () =>
      this.#ctx.db
        .selectFrom('cron_jobs')
        .selectAll()
        .where('status', '=', 'active')
        .where('next_run_at', 'is not', null)
        .where('next_run_at', '<=', nowMs)
        .orderBy('next_run_at')
        .orderBy('id')
        .execute(),
    );
    return rows.map(toCronJobRow);
  }

  /** Compare-and-set of `next_run_at` on an active job; true for the caller that won. */
  async claim(id: string, expectedNextRunAt: number, newNextRunAt: number | null): Promise<boolean> {
    return this.#ctx.batcher.enqueue(async (trx) => {
      const result = await trx
        .updateTable('cron_jobs')
        .set(
          newNextRunAt === null
            ? { next_run_at: null, status: 'done' satisfies CronJobStatus }
            : { next_run_at: newNextRunAt },
        )
        .where('id', '=', id)
        .where('status', '=', 'active' satisfies CronJobStatus)
        .where('next_run_at', '=', expectedNextRunAt)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    });
  }
}
