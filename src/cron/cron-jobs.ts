/**
 * Managing cron jobs: create, pause, resume, mark due ("run"), remove. The
 * `hermes cron` command and the agent's `cronjob` tool both go through these,
 * so a job made either way behaves the same.
 */
import { randomBytes } from 'node:crypto';
import type { CronDeliverTarget, CronJobRow, CronMissedPolicy, CronStore } from '../persistence/store.ts';
import { CronError } from './cron-error.ts';
import { isRecurring, nextRunAt, parseSchedule, type Schedule, type ScheduleOptions } from './schedule.ts';

/** What the job functions need. */
export interface CronJobsDeps {
  store: CronStore;
  /** Epoch milliseconds now. */
  now: () => number;
  /** IANA time zone cron expressions are read in; the gateway's local zone when absent. */
  timezone?: string;
}

/** What a new job is made of. */
export interface NewCronJob {
  /** Schedule text (see `parseSchedule`). */
  schedule: string;
  /** What the agent is asked at each run. */
  prompt: string;
  /** A short name for lists and delivered results; the start of the prompt when absent. */
  name?: string;
  deliverTo: CronDeliverTarget;
  /** Default: `skip` for recurring schedules, `run_once` for single runs. */
  missedPolicy?: CronMissedPolicy;
  /** Session key of the chat that asked, or `cli`. */
  createdBy: string;
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MISSED_POLICIES: readonly CronMissedPolicy[] = ['skip', 'run_once'];
const NAME_FROM_PROMPT_CHARS = 40;

/** A fresh job id: `cron_` and 8 random lowercase letters or digits. */
export function newCronJobId(): string {
  const bytes = randomBytes(8);
  let id = 'cron_';
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

/**
 * The missed-run policy a job gets when none is given: a recurring job skips a
 * run missed while the gateway was down (its next run comes soon anyway); a
 * single-run job (delay or time) runs once, late, so a reminder is never lost.
 */
export function defaultMissedPolicy(schedule: Schedule): CronMissedPolicy {
  return isRecurring(schedule) ? 'skip' : 'run_once';
}

/**
 * Reads a missed-run policy given as text.
 *
 * @throws CronError for anything but `skip` and `run_once`
 */
export function parseMissedPolicy(text: string): CronMissedPolicy {
  const policy = text.trim().toLowerCase().replace('-', '_') as CronMissedPolicy;
  if (!MISSED_POLICIES.includes(policy)) {
    throw new CronError(
      `Invalid missed-run policy "${text}". Use "skip" (a run missed while the gateway was down is ` +
        'left out) or "run_once" (it runs once when the gateway is back).',
      { missed: text },
    );
  }
  return policy;
}

function nameFromPrompt(prompt: string): string {
  const line = prompt.trim().split('\n')[0]?.trim() ?? '';
  return line.length <= NAME_FROM_PROMPT_CHARS ? line : `${line.slice(0, NAME_FROM_PROMPT_CHARS - 1)}…`;
}

function scheduleOptions(deps: CronJobsDeps): ScheduleOptions {
  return deps.timezone === undefined ? {} : { timezone: deps.timezone };
}

/**
 * Validates and stores a new active job with its first run computed.
 *
 * @throws CronError for an empty prompt, a bad schedule, or one with no future run
 *
 * @example
 * await createCronJob({ store: store.cron, now: Date.now }, {
 *   schedule: '0 9 * * *', prompt: 'Summarise the news', deliverTo: { kind: 'home', platform: 'telegram' }, createdBy: 'cli' });
 */
export async function createCronJob(deps: CronJobsDeps, input: NewCronJob): Promise<CronJobRow> {
  const prompt = input.prompt.trim();
  if (prompt === '') throw new CronError('A cron job needs a prompt: what should the agent do at each run?');
  const opts = scheduleOptions(deps);
  const schedule = parseSchedule(input.schedule, opts);
  const createdAt = deps.now();
  const first = nextRunAt(schedule, createdAt, createdAt, opts);
  if (first === null) {
    throw new CronError(
      schedule.kind === 'at'
        ? `The time "${input.schedule}" is in the past; give a future time, or a delay like "30m".`
        : `The schedule "${input.schedule}" never runs (no date matches it).`,
      { schedule: input.schedule },
    );
  }
  const job: CronJobRow = {
    id: newCronJobId(),
    name: input.name?.trim() || nameFromPrompt(prompt),
    schedule: input.schedule.trim(),
    prompt,
    deliverTo: input.deliverTo,
    missedPolicy: input.missedPolicy ?? defaultMissedPolicy(schedule),
    status: 'active',
    nextRunAt: first,
    lastRunAt: null,
    lastStatus: null,
    lastError: null,
    createdAt,
    createdBy: input.createdBy,
    runCount: 0,
  };
  await deps.store.create(job);
  return job;
}

/**
 * The job with this id.
 *
 * @throws CronError when there is none
 */
export async function requireCronJob(store: CronStore, id: string): Promise<CronJobRow> {
  const job = await store.get(id.trim());
  if (job === undefined) {
    throw new CronError(`No cron job with id "${id}" ("hermes cron list" shows the jobs).`, { id });
  }
  return job;
}

/**
 * Pauses an active job (a paused one stays paused).
 *
 * @throws CronError for an unknown id or a job that is done
 */
export async function pauseCronJob(deps: CronJobsDeps, id: string): Promise<CronJobRow> {
  const job = await requireCronJob(deps.store, id);
  if (job.status === 'done')
    throw new CronError(`Cron job ${job.id} already ran; there is nothing to pause.`);
  if (job.status === 'paused') return job;
  return (await deps.store.update(job.id, { status: 'paused' })) ?? job;
}

/**
 * Resumes a paused job from now: its next run is the schedule's next time
 * after now (a single run whose time passed while paused runs at the next tick).
 *
 * @throws CronError for an unknown id or a job that is done
 */
export async function resumeCronJob(deps: CronJobsDeps, id: string): Promise<CronJobRow> {
  const job = await requireCronJob(deps.store, id);
  if (job.status === 'done') {
    throw new CronError(`Cron job ${job.id} already ran; "run" runs it once more.`, { id: job.id });
  }
  if (job.status === 'active') return job;
  const now = deps.now();
  const next = nextRunAt(job.schedule, now, job.createdAt, scheduleOptions(deps)) ?? now;
  return (await deps.store.update(job.id, { status: 'active', nextRunAt: next })) ?? job;
}

/**
 * Makes a job due now, so the running gateway runs it at its next tick (within
 * a minute). A job that is done (a single run that already happened) becomes
 * active for one more run.
 *
 * @throws CronError for an unknown id or a paused job (resume it first)
 */
export async function markCronJobDue(deps: CronJobsDeps, id: string): Promise<CronJobRow> {
  const job = await requireCronJob(deps.store, id);
  if (job.status === 'paused') {
    throw new CronError(`Cron job ${job.id} is paused; resume it first.`, { id: job.id });
  }
  return (await deps.store.update(job.id, { status: 'active', nextRunAt: deps.now() })) ?? job;
}

/**
 * Removes a job.
 *
 * @throws CronError for an unknown id
 */
export async function removeCronJob(deps: CronJobsDeps, id: string): Promise<CronJobRow> {
  const job = await requireCronJob(deps.store, id);
  await deps.store.remove(job.id);
  return job;
}
