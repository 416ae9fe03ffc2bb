/**
 * Running cron jobs: finds due jobs, takes each run with the store's
 * compare-and-set (so it runs once even when ticks or gateway processes
 * overlap), asks the agent, records the outcome and delivers the result.
 *
 * A run more than `missedAfterMs` late was missed (the gateway was down or the
 * machine slept). The job's policy decides: `run_once` runs it once now, never
 * once per missed slot; `skip` leaves it out. Either way the next run is the
 * schedule's next time after now.
 */

import { errorText, type RuntimeLogger } from '../log/runtime-logger.ts';
import type { CronJobRow, Store } from '../persistence/store.ts';
import { CronError } from './cron-error.ts';
import { nextRunAt } from './schedule.ts';

/** What the cron runner needs from the gateway. */
export interface CronRunnerDeps {
  store: Store;
  /** Epoch milliseconds now. */
  now: () => number;
  /** Milliseconds between ticks (default 60 000). */
  tickMs?: number;
  /** A run later than this counts as missed (default two ticks). */
  missedAfterMs?: number;
  /** IANA time zone cron expressions are read in; the gateway's local zone when absent. */
  timezone?: string;
  /** Runs the job's prompt as a fresh agent; resolves with its answer, rejects when it failed. */
  runJob: (job: CronJobRow) => Promise<{ text: string }>;
  /** Sends the (already formatted) result to the job's delivery target. */
  deliver: (job: CronJobRow, text: string, ok: boolean) => Promise<void>;
  log: RuntimeLogger;
}

/** What became of one run request. */
export type CronRunOutcome =
  | { kind: 'ran'; ok: true; text: string }
  | { kind: 'ran'; ok: false; error: string }
  /** A missed run left out by the `skip` policy. */
  | { kind: 'skipped' }
  /** The job is already running in this process. */
  | { kind: 'busy' }
  /** Someone else took the run first (another tick or gateway process). */
  | { kind: 'lost' };

/** Default tick. */
export const DEFAULT_CRON_TICK_MS = 60_000;

/** The message delivered after a successful run. */
export function cronResultText(job: CronJobRow, text: string): string {
  return `⏰ ${job.name}\n\n${text}`;
}

/** The message delivered after a failed run. */
export function cronFailureText(job: CronJobRow, error: string): string {
  return `❌ Cron job ${job.name} failed: ${error}`;
}

/** Runs due jobs; one instance per gateway, shared by every (re)start of the cron actor. */
export class CronRunner {
  readonly #deps: CronRunnerDeps;
  readonly #log: RuntimeLogger;
  /** Ids of jobs running in this process. */
  readonly #running = new Set<string>();
  /** Ticks and runs not yet finished. */
  readonly #inFlight = new Set<Promise<unknown>>();

  /** @param deps - store, clock, agent and delivery */
  constructor(deps: CronRunnerDeps) {
    this.#deps = deps;
    this.#log = deps.log.child({ component: 'cron' });
  }

  /** Milliseconds between ticks. */
  get tickMs(): number {
    return this.#deps.tickMs ?? DEFAULT_CRON_TICK_MS;
  }

  /**
   * One tick: starts every due job that is not already running. Resolves once
   * the due jobs are read (the runs go on; `settle()` waits for them).
   *
   * @throws GatewayError `GATEWAY_ERR_STORE` when the due jobs cannot be read
   */
  tick(): Promise<void> {
    return this.#track(this.#tick());
  }

  async #tick(): Promise<void> {
    const now = this.#deps.now();
    const due = await this.#deps.store.cron.due(now);
    for (const job of due) {
      if (this.#running.has(job.id) || job.nextRunAt === null) continue;
      const missed = now - job.nextRunAt > (this.#deps.missedAfterMs ?? 2 * this.tickMs);
      this.#track(this.#take(job, job.nextRunAt, missed));
    }
  }

  /**
   * Runs a job now, off its schedule, and resolves when it ran and its result was
   * delivered. Its next run is then the schedule's next time after now (the slot it
   * was waiting for still runs). A job that is done (a single run that already
   * happened) runs once more.
   *
   * @throws CronError for an unknown id or a paused job
   */
  async runNow(id: string): Promise<CronRunOutcome> {
    let job = await this.#deps.store.cron.get(id);
    if (job === undefined) throw new CronError(`No cron job with id "${id}".`, { id });
    if (job.status === 'paused') throw new CronError(`Cron job ${id} is paused; resume it first.`, { id });
    if (this.#running.has(id)) return { kind: 'busy' };
    // Due now first, so the claim moves `next_run_at` on to the next slot after now
    // (which may be the slot the job was waiting for: running now does not cancel it).
    const dueNow = this.#deps.now();
    job = await this.#deps.store.cron.update(id, { status: 'active', nextRunAt: dueNow });
    if (job === undefined) return { kind: 'lost' };
    return this.#track(this.#take(job, dueNow, false));
  }

  /** Resolves when every tick and run started so far has finished. */
  async settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#inFlight.add(promise);
    void promise.finally(() => this.#inFlight.delete(promise)).catch(() => {});
    return promise;
  }

  /** Claims the run and carries it out (or skips it when missed and the policy says so). */
  async #take(job: CronJobRow, expectedNextRunAt: number, missed: boolean): Promise<CronRunOutcome> {
    this.#running.add(job.id);
    const log = this.#log.child({ jobId: job.id, job: job.name });
    try {
      const now = this.#deps.now();
      let next: number | null;
      try {
        next = nextRunAt(job.schedule, now, job.createdAt, this.#scheduleOptions());
      } catch (error) {
        log.error({ err: errorText(error) }, 'Cron job has an invalid schedule; it was paused');
        await this.#deps.store.cron.update(job.id, { status: 'paused', lastError: errorText(error) });
        return { kind: 'lost' };
      }
      if (!(await this.#deps.store.cron.claim(job.id, expectedNextRunAt, next))) return { kind: 'lost' };
      if (missed && job.missedPolicy === 'skip') {
        log.info({ missedAt: expectedNextRunAt, nextRunAt: next }, 'Skipped missed cron run');
        return { kind: 'skipped' };
      }
      if (missed) log.info({ missedAt: expectedNextRunAt, nextRunAt: next }, 'Running missed cron run once');
      return await this.#execute(job, now, log);
    } catch (error) {
      log.error({ err: errorText(error) }, 'Cron run could not be taken');
      return { kind: 'lost' };
    } finally {
      this.#running.delete(job.id);
    }
  }

  /** Asks the agent, records the outcome, delivers the result; never throws. */
  async #execute(job: CronJobRow, startedAt: number, log: RuntimeLogger): Promise<CronRunOutcome> {
    log.info({}, 'Cron job started');
    let outcome: CronRunOutcome;
    try {
      const { text } = await this.#deps.runJob(job);
      outcome = { kind: 'ran', ok: true, text };
    } catch (error) {
      outcome = { kind: 'ran', ok: false, error: errorText(error) };
    }
    const ok = outcome.kind === 'ran' && outcome.ok;
    const error = outcome.kind === 'ran' && !outcome.ok ? outcome.error : null;
    if (error === null) log.info({}, 'Cron job finished');
    else log.warn({ err: error }, 'Cron job failed');
    try {
      await this.#deps.store.cron.update(job.id, {
        lastRunAt: startedAt,
        lastStatus: ok ? 'ok' : 'failed',
        lastError: error,
        runCount: job.runCount + 1,
      });
    } catch (storeError) {
      log.error({ err: errorText(storeError) }, 'Recording the cron run failed');
    }
    try {
      const text =
        outcome.kind === 'ran' && outcome.ok
          ? cronResultText(job, outcome.text)
          : cronFailureText(job, error ?? '');
      await this.#deps.deliver(job, text, ok);
    } catch (deliverError) {
      log.error({ err: errorText(deliverError) }, 'Delivering the cron result failed');
    }
    return outcome;
  }

  #scheduleOptions() {
    return this.#deps.timezone === undefined ? {} : { timezone: this.#deps.timezone };
  }
}
