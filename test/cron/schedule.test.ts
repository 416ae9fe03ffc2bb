import { describe, expect, it } from 'vitest';
import { CronError } from '../../src/cron/cron-error.ts';
import { isRecurring, nextRunAt, parseSchedule, SCHEDULE_FORMS } from '../../src/cron/schedule.ts';

const at = (iso: string): number => Date.parse(iso);
const UTC = { timezone: 'UTC' };

function parseError(text: string): CronError {
  try {
    parseSchedule(text, UTC);
  } catch (error) {
    expect(error).toBeInstanceOf(CronError);
    return error as CronError;
  }
  throw new Error(`"${text}" parsed`);
}

describe('parseSchedule', () => {
  it('reads 5-field and 6-field cron expressions and nicknames', () => {
    expect(parseSchedule('0 9 * * *')).toEqual({ kind: 'cron', expression: '0 9 * * *' });
    expect(parseSchedule('  */15   * * * * ')).toEqual({ kind: 'cron', expression: '*/15 * * * *' });
    expect(parseSchedule('30 0 9 * * MON-FRI')).toEqual({ kind: 'cron', expression: '30 0 9 * * MON-FRI' });
    expect(parseSchedule('@daily')).toEqual({ kind: 'cron', expression: '@daily' });
  });

  it('reads intervals in seconds, minutes, hours and days', () => {
    expect(parseSchedule('every 2h')).toEqual({ kind: 'interval', everyMs: 7_200_000 });
    expect(parseSchedule('every 30m')).toEqual({ kind: 'interval', everyMs: 1_800_000 });
    expect(parseSchedule('every 1d')).toEqual({ kind: 'interval', everyMs: 86_400_000 });
    expect(parseSchedule('every 90s')).toEqual({ kind: 'interval', everyMs: 90_000 });
    expect(parseSchedule('Every 3 hours')).toEqual({ kind: 'interval', everyMs: 10_800_000 });
  });

  it('reads one-shot delays', () => {
    expect(parseSchedule('30m')).toEqual({ kind: 'delay', delayMs: 1_800_000 });
    expect(parseSchedule('2h')).toEqual({ kind: 'delay', delayMs: 7_200_000 });
    expect(parseSchedule('1d')).toEqual({ kind: 'delay', delayMs: 86_400_000 });
    expect(parseSchedule('45 minutes')).toEqual({ kind: 'delay', delayMs: 2_700_000 });
  });

  it('reads ISO 8601 times, with Z or an offset', () => {
    expect(parseSchedule('2026-12-01T09:00:00Z')).toEqual({ kind: 'at', atMs: at('2026-12-01T09:00:00Z') });
    expect(parseSchedule('2026-12-01T10:00:00+01:00')).toEqual({
      kind: 'at',
      atMs: at('2026-12-01T09:00:00Z'),
    });
  });

  it('says which forms are accepted, with examples, for text that is none of them', () => {
    for (const text of ['', 'tomorrow', '* * *', '61 * * * *', 'every', 'every banana', '5']) {
      const error = parseError(text);
      expect(error.code).toBe('GATEWAY_ERR_BAD_REQUEST');
      expect(error.message).toContain(`Invalid schedule "${text}"`);
      expect(error.message).toContain(SCHEDULE_FORMS);
      expect(error.message).toContain('"0 9 * * *"');
      expect(error.message).toContain('"every 2h"');
      expect(error.message).toContain('"30m"');
      expect(error.message).toContain('"2026-12-01T09:00:00Z"');
    }
  });

  it('refuses intervals under a minute and zero delays, saying why', () => {
    expect(parseError('every 30s').message).toContain('at least 1 minute');
    expect(parseError('0m').message).toContain('longer than zero');
  });

  it('refuses an impossible calendar date', () => {
    expect(parseError('2026-02-31T09:00:00Z').message).toContain('Invalid schedule');
  });

  it('tells recurring schedules from single runs', () => {
    expect(isRecurring(parseSchedule('0 9 * * *'))).toBe(true);
    expect(isRecurring(parseSchedule('every 1h'))).toBe(true);
    expect(isRecurring(parseSchedule('1h'))).toBe(false);
    expect(isRecurring(parseSchedule('2026-12-01T09:00:00Z'))).toBe(false);
  });
});

describe('nextRunAt', () => {
  const created = at('2026-01-01T08:10:00Z');

  it('gives the next matching time of a cron expression, strictly after the given time', () => {
    expect(nextRunAt('0 9 * * *', at('2026-01-01T08:10:00Z'), created, UTC)).toBe(at('2026-01-01T09:00:00Z'));
    expect(nextRunAt('0 9 * * *', at('2026-01-01T09:00:00Z'), created, UTC)).toBe(at('2026-01-02T09:00:00Z'));
    expect(nextRunAt('*/15 * * * *', at('2026-01-01T09:07:30Z'), created, UTC)).toBe(
      at('2026-01-01T09:15:00Z'),
    );
    expect(nextRunAt('30 0 9 * * *', at('2026-01-01T08:00:00Z'), created, UTC)).toBe(
      at('2026-01-01T09:00:30Z'),
    );
  });

  it('reads cron expressions in the given time zone', () => {
    expect(nextRunAt('0 9 * * *', at('2026-01-01T00:00:00Z'), created, { timezone: 'Europe/Berlin' })).toBe(
      at('2026-01-01T08:00:00Z'),
    );
  });

  it('counts intervals from creation, so late runs do not drift', () => {
    expect(nextRunAt('every 1h', created, created)).toBe(at('2026-01-01T09:10:00Z'));
    expect(nextRunAt('every 1h', at('2026-01-01T10:35:00Z'), created)).toBe(at('2026-01-01T11:10:00Z'));
    expect(nextRunAt('every 1h', at('2026-01-01T11:10:00Z'), created)).toBe(at('2026-01-01T12:10:00Z'));
    expect(nextRunAt('every 1h', created - 5, created)).toBe(at('2026-01-01T09:10:00Z'));
  });

  it('runs a delay once, that long after creation', () => {
    expect(nextRunAt('30m', created, created)).toBe(at('2026-01-01T08:40:00Z'));
    expect(nextRunAt('30m', at('2026-01-01T08:39:59Z'), created)).toBe(at('2026-01-01T08:40:00Z'));
    expect(nextRunAt('30m', at('2026-01-01T08:40:00Z'), created)).toBeNull();
  });

  it('runs an ISO time once', () => {
    expect(nextRunAt('2026-12-01T09:00:00Z', created, created)).toBe(at('2026-12-01T09:00:00Z'));
    expect(nextRunAt('2026-12-01T09:00:00Z', at('2026-12-01T09:00:00Z'), created)).toBeNull();
  });

  it('gives null for a cron expression that never matches', () => {
    expect(nextRunAt('0 9 31 2 *', created, created, UTC)).toBeNull();
  });

  it('takes a parsed schedule as well as text', () => {
    expect(nextRunAt({ kind: 'interval', everyMs: 60_000 }, created, created)).toBe(created + 60_000);
  });
});
