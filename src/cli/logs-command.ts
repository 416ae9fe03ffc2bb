/**
 * `hermes logs`: shows the gateway log of this `HERMES_HOME` for people, reading
 * `logs/gateway.log` and its rotated files oldest first. Filters by level, age,
 * platform and session; `-f` keeps printing new lines (across rotations) until
 * Ctrl-C; `--json` prints the JSON lines as written.
 */
import type { Command } from 'commander';
import { resolveHome } from '../config/home.ts';
import { createLogFilter, type LogFilterOptions, parseLogLine } from '../log/log-filter.ts';
import { followLog } from '../log/log-follower.ts';
import { readLogTail } from '../log/log-reader.ts';
import { createPrettyLine, wantsColour } from '../log/pretty-line.ts';
import { logFilePath } from '../logger.ts';
import type { StopSignal } from './gateway-command.ts';
import { EXIT_CONFIG, reportError } from './report-error.ts';

/** Default number of lines shown (`-n`). */
export const DEFAULT_LOG_LINES = 100;

/** Options of `hermes logs`. */
export interface LogsCommandOptions extends LogFilterOptions {
  /** Keep printing new lines until stopped. */
  follow?: boolean;
  /** How many recorded lines to show first (default 100). */
  lines?: number;
  /** Print JSON lines instead of readable ones. */
  json?: boolean;
}

/** What `hermes logs` needs from its process. */
export interface LogsCommandDeps {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Subscribes to SIGTERM and SIGINT (ends `--follow`); returns the unsubscribe function. */
  onSignal: (handler: (signal: StopSignal) => void) => () => void;
  /** Whether stdout is a terminal (readable lines are coloured then). */
  isTTY?: boolean;
  /** Milliseconds between checks for new lines while following (default 250). */
  followIntervalMs?: number;
  now?: () => number;
}

/** Prints the wanted lines (and follows with `-f`); resolves with the exit code. */
export async function runLogsCommand(opts: LogsCommandOptions, deps: LogsCommandDeps): Promise<number> {
  const path = logFilePath(resolveHome(deps.env));
  const limit = opts.lines ?? DEFAULT_LOG_LINES;
  if (!Number.isInteger(limit) || limit < 0) {
    deps.stderr(`hermes: -n "${opts.lines}" is not valid. Fix: give a whole number of lines, e.g. -n 100\n`);
    return EXIT_CONFIG;
  }
  let filter: ReturnType<typeof createLogFilter>;
  try {
    filter = createLogFilter(opts, (deps.now ?? Date.now)());
  } catch (error) {
    reportError(error, deps.stderr);
    return EXIT_CONFIG;
  }
  const pretty = createPrettyLine(wantsColour(deps.isTTY === true, deps.env));
  const print = (line: string): void => deps.stdout(opts.json ? `${line}\n` : pretty(line));

  const tail = readLogTail(path, filter, limit);
  if (tail.entries.length === 0 && !opts.follow) {
    deps.stderr(`No matching log lines in ${path} (or its rotated files).\n`);
  }
  for (const entry of tail.entries) print(entry.line);
  if (!opts.follow) return 0;

  const stop = new AbortController();
  const unsubscribe = deps.onSignal(() => stop.abort());
  try {
    await followLog(
      path,
      (line) => {
        const record = parseLogLine(line);
        if (record && filter(record)) print(line);
      },
      { fromOffset: tail.liveOffset, signal: stop.signal, intervalMs: deps.followIntervalMs },
    );
  } finally {
    unsubscribe();
  }
  return 0;
}

/** Adds `hermes logs` to the program. */
export function registerLogsCommand(
  program: Command,
  deps: LogsCommandDeps,
  setExitCode: (code: number) => void,
): void {
  program
    .command('logs')
    .description('show the gateway log (logs/gateway.log and its rotated files) as readable lines')
    .option('-f, --follow', 'keep printing new lines until Ctrl-C (continues across rotations)')
    .option('--platform <name>', 'only lines about this platform, e.g. telegram')
    .option('--session <key>', 'only lines about this session key, e.g. telegram:dm:42')
    .option('--level <level>', 'lowest level shown: trace, debug, info, warn, error or fatal')
    .option('--since <when>', 'only newer lines: a duration (30s, 10m, 2h, 7d) or a date')
    .option('-n, --lines <count>', `how many lines to show (default ${DEFAULT_LOG_LINES})`, (v) => Number(v))
    .option('--json', 'print the JSON lines as written instead of readable lines')
    .action(async (opts: LogsCommandOptions) => {
      setExitCode(await runLogsCommand(opts, deps));
    });
}
