/**
 * `hermes logs` on a temp home whose log files were written by the real logger:
 * filters, order across rotated files, JSON output, and following across a rotation.
 */
import { describe, expect, it } from 'vitest';
import type { StopSignal } from '../../src/cli/gateway-command.ts';
import { type LogsCommandDeps, type LogsCommandOptions, runLogsCommand } from '../../src/cli/logs-command.ts';
import { logFilesOldestFirst } from '../../src/log/log-files.ts';
import { createLogger, type Logger, logFilePath } from '../../src/logger.ts';
import { runHermes, tempDir } from '../cli/run-hermes.ts';
import { eventually } from '../support/gateway-process.ts';

/** Runs `hermes logs` in-process against `home`, collecting its output. */
function harness(home: string, now?: number) {
  const out = { stdout: '', stderr: '' };
  let stopHandler: ((signal: StopSignal) => void) | undefined;
  const deps: LogsCommandDeps = {
    env: { HERMES_HOME: home },
    stdout: (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
    },
    onSignal: (handler) => {
      stopHandler = handler;
      return () => {
        stopHandler = undefined;
      };
    },
    followIntervalMs: 10,
    ...(now === undefined ? {} : { now: () => now }),
  };
  return {
    out,
    run: (opts: LogsCommandOptions = {}) => runLogsCommand(opts, deps),
    /** Messages of the printed lines (readable output: the text after "LEVEL: "). */
    printed: () =>
      out.stdout
        .trim()
        .split('\n')
        // an error field is shown on its own indented line under its entry
        .filter((line) => line !== '' && !line.startsWith(' '))
        .map((line) => /^\[[^\]]+\] \w+: (.*?)(?: \{.*)?$/.exec(line)?.[1] ?? line),
    interrupt: () => stopHandler?.('SIGINT'),
    following: () => stopHandler !== undefined,
  };
}

/** A home with a rotated log: lines from telegram and slack sessions at several levels. */
function writeHistory(home: string): Logger {
  const logger = createLogger({ home, stdout: false, rotation: { maxBytes: 600, keep: 10 } });
  logger.info('gateway starting');
  const telegram = logger.child({ platform: 'telegram' });
  telegram.info('Adapter connected');
  logger.info({ sessionKey: 'telegram:dm:42' }, 'Command');
  logger.warn(
    { sessionKey: 'telegram:dm:42' },
    'Session restored from an in-flight state: restart-interrupted',
  );
  logger.error({ sessionKey: 'slack:group:C1:U7', err: 'timeout' }, 'Outbox lane failed');
  telegram.warn({ attempt: 3 }, 'Adapter reconnecting');
  logger.info({ sessionKey: 'telegram:dm:99' }, 'Command');
  logger.info('gateway running');
  return logger;
}

describe('hermes logs', () => {
  it('prints every line oldest first across the rotated files, as readable lines', async () => {
    const home = tempDir();
    writeHistory(home);
    expect(logFilesOldestFirst(logFilePath(home)).length).toBeGreaterThan(1);
    const h = harness(home);
    expect(await h.run()).toBe(0);
    expect(h.printed()).toEqual([
      'gateway starting',
      'Adapter connected',
      'Command',
      'Session restored from an in-flight state: restart-interrupted',
      'Outbox lane failed',
      'Adapter reconnecting',
      'Command',
      'gateway running',
    ]);
    expect(h.out.stdout).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] INFO: gateway starting\n/);
  });

  it('filters by lowest level', async () => {
    const home = tempDir();
    writeHistory(home);
    const h = harness(home);
    await h.run({ level: 'warn' });
    expect(h.printed()).toEqual([
      'Session restored from an in-flight state: restart-interrupted',
      'Outbox lane failed',
      'Adapter reconnecting',
    ]);
  });

  it('filters by platform: its adapter lines and its sessions', async () => {
    const home = tempDir();
    writeHistory(home);
    const h = harness(home);
    await h.run({ platform: 'slack' });
    expect(h.printed()).toEqual(['Outbox lane failed']);
    const t = harness(home);
    await t.run({ platform: 'telegram', level: 'warn' });
    expect(t.printed()).toEqual([
      'Session restored from an in-flight state: restart-interrupted',
      'Adapter reconnecting',
    ]);
  });

  it('filters by session key', async () => {
    const home = tempDir();
    writeHistory(home);
    const h = harness(home);
    await h.run({ session: 'telegram:dm:42' });
    expect(h.printed()).toEqual(['Command', 'Session restored from an in-flight state: restart-interrupted']);
    expect(h.out.stdout).toContain('"sessionKey":"telegram:dm:42"');
  });

  it('filters by age: a duration back from now', async () => {
    const home = tempDir();
    writeHistory(home);
    const anHourLater = Date.now() + 3_600_000;
    const recent = harness(home, anHourLater);
    await recent.run({ since: '10m' });
    expect(recent.out.stdout).toBe('');
    expect(recent.out.stderr).toContain('No matching log lines');
    const wider = harness(home, anHourLater);
    await wider.run({ since: '2h' });
    expect(wider.printed()).toHaveLength(8);
  });

  it('shows the last n lines with -n, and JSON lines as written with --json', async () => {
    const home = tempDir();
    writeHistory(home);
    const h = harness(home);
    await h.run({ lines: 2, json: true });
    const lines = h.out.stdout.trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['Command', 'gateway running']);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 30, sessionKey: 'telegram:dm:99' });
  });

  it('refuses an unknown level or an unreadable --since with the fix (exit 2)', async () => {
    const home = tempDir();
    const h = harness(home);
    expect(await h.run({ level: 'loud' })).toBe(2);
    expect(h.out.stderr).toContain(
      '--level "loud" is not valid. Fix: use one of: trace, debug, info, warn, error, fatal',
    );
    expect(await h.run({ since: 'yesterday-ish' })).toBe(2);
    expect(h.out.stderr).toContain('--since "yesterday-ish" is not valid. Fix: give a duration such as 30s');
  });

  it('follows new lines with -f, through a rotation, until interrupted', async () => {
    const home = tempDir();
    const logger = createLogger({ home, stdout: false, rotation: { maxBytes: 1200, keep: 5 } });
    logger.info('before following');
    const h = harness(home);
    const done = h.run({ follow: true, lines: 1, platform: 'telegram' });
    await eventually(() => h.following(), 5000, 'hermes logs -f to start following');
    expect(h.printed()).toEqual([]);
    const telegram = logger.child({ platform: 'telegram' });
    for (let i = 0; i < 30; i++) {
      telegram.info({ filler: 'f'.repeat(60) }, `followed ${i}`);
      logger.info({ platform: 'slack' }, `other ${i}`);
      if (i % 10 === 9) await eventually(() => h.printed().length === i + 1, 5000, `line ${i} to be printed`);
    }
    expect(logFilesOldestFirst(logFilePath(home)).length).toBeGreaterThan(2);
    expect(h.printed()).toEqual(Array.from({ length: 30 }, (_, i) => `followed ${i}`));
    h.interrupt();
    expect(await done).toBe(0);
  });

  it('runs as a command of the real CLI', async () => {
    const home = tempDir();
    writeHistory(home);
    const run = await runHermes(['logs', '-n', '1', '--level', 'error'], { HERMES_HOME: home });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\[[^\]]+\] ERROR: Outbox lane failed \{.*"sessionKey":"slack:group:C1:U7"/);
  });
});
