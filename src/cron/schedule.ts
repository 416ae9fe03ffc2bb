/**
 * Cron job schedules: the text a user writes (`0 9 * * *`, `every 2h`, `30m`,
 * `2026-12-01T09:00:00Z`) parsed into one of four forms, and the pure
 * computation of a job's next run.
 *
 * - a cron expression (5 fields, or 6 with seconds first, or `@daily`-style
 *   nicknames): runs at every matching time, in the gateway's time zone unless one is given;
 * - an interval `every <n><unit>` (at least 1 minute): runs every n units after creation;
 * - a delay `<n><unit>`: runs once, that long after creation;
 * - an ISO 8601 time: runs once, then.
 *
 * Units: `s`, `m`, `h`, `d` (also `sec`, `min`, `hour(s)`, `day(s)`, ...).
 */
import { Cron } from 'croner';
import { CronError } from './cron-error.ts';

/** A parsed schedule. */
export type Schedule =
  | { kind: 'cron'; expression: string }
  | { kind: 'interval'; everyMs: number }
  | { kind: 'delay'; delayMs: number }
  | { kind: 'at'; atMs: number };

/** Options of the schedule functions. */
export interface ScheduleOptions {
  /** IANA time zone cron expressions are read in (e.g. `Europe/Berlin`); the gateway's local zone when absent. */
  timezone?: string;
}

/** Shortest interval an `every ...` schedule may have. */
export const MIN_INTERVAL_MS = 60_000;

/** What a schedule may look like, with examples; part of every "invalid schedule" message. */
export const SCHEDULE_FORMS =
  'Use one of: a cron expression with 5 fields, or 6 with seconds first ' +
  '("0 9 * * *" = every day at 09:00, "*/15 * * * *" = every 15 minutes, "0 9 * * 1-5" = weekdays at 09:00); ' +
  'an interval of at least 1 minute ("every 30m", "every 2h", "every 1d", "every 90s"); ' +
  'a delay for a single run ("30m", "2h", "1d"); ' +
  'or an ISO 8601 time for a single run ("2026-12-01T09:00:00Z").';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const UNIT_ALIASES: Record<string, keyof typeof UNIT_MS> = {
  s: 's',
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  m: 'm',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  h: 'h',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  d: 'd',
  day: 'd',
  days: 'd',
};

const DURATION = /^(\d+)\s*([a-z]+)$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

function invalid(text: string, why?: string): CronError {
  const reason = why === undefined ? '' : ` (${why})`;
  return new CronError(`Invalid schedule "${text}"${reason}. ${SCHEDULE_FORMS}`, { schedule: text });
}

/** Milliseconds of `<n><unit>`, or undefined when the text is not a duration. */
function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const unit = UNIT_ALIASES[match[2] ?? ''];
  if (unit === undefined) return undefined;
  return Number(match[1]) * (UNIT_MS[unit] ?? 0);
}

/** True when the date and time fields of an ISO time exist (no 31 February, no 25:00). */
function isCalendarTime(iso: string): boolean {
  const [year, month, day, hour, minute] = (iso.match(/\d+/g) ?? []).map(Number);
  if (year === undefined || month === undefined || day === undefined) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && (hour ?? 0) < 24 && (minute ?? 0) < 60
  );
}

/** A croner job that never fires by itself; only asked for its next run. */
function cronOf(expression: string, opts: ScheduleOptions): Cron {
  return new Cron(expression, {
    paused: true,
    mode: '5-or-6-parts',
    ...(opts.timezone === undefined ? {} : { timezone: opts.timezone }),
  });
}

/**
 * Parses schedule text.
 *
 * @throws CronError `GATEWAY_ERR_BAD_REQUEST` whose message lists the accepted forms with examples
 *
 * @example
 * parseSchedule('every 2h') // { kind: 'interval', everyMs: 7_200_000 }
 * parseSchedule('0 9 * * *') // { kind: 'cron', expression: '0 9 * * *' }
 */
export function parseSchedule(text: string, opts: ScheduleOptions = {}): Schedule {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  if (trimmed === '') throw invalid(text, 'it is empty');
  const lower = trimmed.toLowerCase();

  if (lower.startsWith('every ')) {
    const everyMs = parseDuration(lower.slice('every '.length).trim());
    if (everyMs === undefined) throw invalid(text);
    if (everyMs < MIN_INTERVAL_MS) throw invalid(text, 'an interval must be at least 1 minute');
    return { kind: 'interval', everyMs };
  }

  const delayMs = parseDuration(lower);
  if (delayMs !== undefined) {
    if (delayMs <= 0) throw invalid(text, 'a delay must be longer than zero');
    return { kind: 'delay', delayMs };
  }

  if (ISO_TIME.test(trimmed)) {
    const atMs = Date.parse(trimmed);
    if (Number.isNaN(atMs) || !isCalendarTime(trimmed)) throw invalid(text, 'not a valid date and time');
    return { kind: 'at', atMs };
  }

  try {
    cronOf(trimmed, opts);
  } catch (error) {
    throw invalid(text, error instanceof Error ? error.message.replace(/^CronPattern: /, '') : undefined);
  }
  return { kind: 'cron', expression: trimmed };
}

/** True for schedules that run more than once (cron expressions and intervals). */
export function isRecurring(schedule: Schedule): boolean {
  return schedule.kind === 'cron' || schedule.kind === 'interval';
}

/**
 * The next run of a schedule strictly after `afterMs`, or null when there is
 * none (a single run that is already past, or a cron expression that never matches).
 * Intervals count from creation (creation + k × interval), so they never drift;
 * delays run once at creation + delay. Pure: the same inputs give the same answer.
 *
 * @param schedule - parsed schedule, or its text
 * @param afterMs - epoch ms; the answer is later than this
 * @param createdAtMs - epoch ms the job was created (anchor of intervals and delays)
 * @throws CronError when `schedule` is text that does not parse
 *
 * @example
 * nextRunAt('every 1h', Date.parse('2026-01-01T10:30:00Z'), Date.parse('2026-01-01T09:00:00Z'))
 * // Date.parse('2026-01-01T11:00:00Z')
 */
export function nextRunAt(
  schedule: Schedule | string,
  afterMs: number,
  createdAtMs: number,
  opts: ScheduleOptions = {},
): number | null {
  const parsed = typeof schedule === 'string' ? parseSchedule(schedule, opts) : schedule;
  switch (parsed.kind) {
    case 'cron': {
      const next = cronOf(parsed.expression, opts).nextRun(new Date(afterMs));
      return next === null ? null : next.getTime();
    }
    case 'interval': {
      if (afterMs < createdAtMs) return createdAtMs + parsed.everyMs;
      const slots = Math.floor((afterMs - createdAtMs) / parsed.everyMs) + 1;
      return createdAtMs + slots * parsed.everyMs;
    }
    case 'delay': {
      const at = createdAtMs + parsed.delayMs;
      return at > afterMs ? at : null;
    }
    case 'at':
      return parsed.atMs > afterMs ? parsed.atMs : null;
  }
}
