/**
 * Which gateway log lines `hermes logs` shows: at or above a level, newer than a
 * time, about one platform or one session.
 */
import { pino } from 'pino';
import { LOG_LEVELS } from '../config/schema.ts';
import { GatewayError } from '../errors.ts';

/** What the user asked for (as typed on the command line). */
export interface LogFilterOptions {
  /** Lowest level shown: trace, debug, info, warn, error or fatal. */
  level?: string;
  /** Only lines newer than this: a duration back from now (`30s`, `10m`, `2h`, `7d`) or a date (`2026-01-31T08:00`). */
  since?: string;
  /** Only lines about this platform (`platform` field, or a session key starting with it). */
  platform?: string;
  /** Only lines about this session key (or the sessions under it, e.g. `telegram:dm:42`). */
  session?: string;
}

/** A parsed log line: pino's fields and whatever the gateway bound. */
export type LogRecord = Record<string, unknown> & { level?: number; time?: string; msg?: string };

/** Tells whether a parsed log line is wanted. */
export type LogFilter = (record: LogRecord) => boolean;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function badOption(option: string, value: string, fix: string): GatewayError {
  return new GatewayError('GATEWAY_ERR_OPTION', `${option} "${value}" is not valid. Fix: ${fix}`, {
    option,
    value,
    fix,
  });
}

/** The time in milliseconds `since` stands for, relative to `now`. */
export function parseSince(since: string, now: number): number {
  const duration = /^(\d+(?:\.\d+)?)\s*([smhd])$/i.exec(since.trim());
  if (duration) return now - Number(duration[1]) * (UNIT_MS[duration[2]!.toLowerCase()] ?? 0);
  const date = Date.parse(since);
  if (Number.isNaN(date)) {
    throw badOption(
      '--since',
      since,
      'give a duration such as 30s, 10m, 2h or 7d, or a date such as 2026-01-31T08:00',
    );
  }
  return date;
}

/** The numeric pino level of a level name. */
export function levelNumber(level: string): number {
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw badOption('--level', level, `use one of: ${LOG_LEVELS.join(', ')}`);
  }
  return pino.levels.values[level] ?? 0;
}

function aboutPlatform(record: LogRecord, platform: string): boolean {
  if (record.platform === platform) return true;
  const key = record.sessionKey;
  return typeof key === 'string' && key.startsWith(`${platform}:`);
}

function aboutSession(record: LogRecord, session: string): boolean {
  const key = record.sessionKey;
  return typeof key === 'string' && (key === session || key.startsWith(`${session}:`));
}

/**
 * Builds the filter for `opts`.
 *
 * @throws GatewayError `GATEWAY_ERR_OPTION` for an unknown level or an unreadable `since`.
 */
export function createLogFilter(opts: LogFilterOptions, now: number = Date.now()): LogFilter {
  const minLevel = opts.level === undefined ? undefined : levelNumber(opts.level);
  const after = opts.since === undefined ? undefined : parseSince(opts.since, now);
  return (record) => {
    if (minLevel !== undefined && (record.level ?? 0) < minLevel) return false;
    if (after !== undefined) {
      const time = typeof record.time === 'string' ? Date.parse(record.time) : Number(record.time);
      if (!(time >= after)) return false;
    }
    if (opts.platform !== undefined && !aboutPlatform(record, opts.platform)) return false;
    if (opts.session !== undefined && !aboutSession(record, opts.session)) return false;
    return true;
  };
}

/** Parses one line of the log; undefined for a line that is not a JSON object. */
export function parseLogLine(line: string): LogRecord | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(line) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as LogRecord) : undefined;
  } catch {
    return undefined;
  }
}
