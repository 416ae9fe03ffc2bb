/**
 * Structured logging: one JSON object a line to `<home>/logs/gateway.log`
 * (rotated by size, 0600), and to stdout: readable lines on a terminal, JSON
 * lines off one. Writes are synchronous so a crash loses no line.
 */
import { join } from 'node:path';
import { type DestinationStream, type Logger as PinoLogger, pino, type StreamEntry } from 'pino';
import { LOGS_DIR_NAME } from './config/home.ts';
import { LOG_LEVELS } from './config/schema.ts';
import { ConfigError } from './errors.ts';
import { consoleDestination, type LogConsole, processConsole } from './log/console-destination.ts';
import { createRotatingFile, type RotationOptions } from './log/rotating-file.ts';

/** The gateway's logger (a pino logger). */
export type Logger = PinoLogger;

/** Name carried by every log line. */
export const LOGGER_NAME = 'hermes-gateway';

/** File name of the gateway log inside `<home>/logs/`. */
export const LOG_FILE_NAME = 'gateway.log';

/** Where `createLogger` writes. */
export interface CreateLoggerOptions {
  /** Hermes home: lines also go to `<home>/logs/gateway.log` (the folder is created when missing). */
  home?: string;
  /** Lowest level written: trace, debug, info (default), warn, error or fatal. */
  level?: string;
  /**
   * Also write to stdout (default true): pretty on a terminal, JSON otherwise.
   * A `LogConsole` replaces the process's stdout (tests, embedding apps).
   */
  stdout?: boolean | LogConsole;
  /** When `gateway.log` rotates (default: past 10 MiB, keeping 5 rotated files). */
  rotation?: RotationOptions;
}

/** Path of the gateway log file of `home`. */
export function logFilePath(home: string): string {
  return join(home, LOGS_DIR_NAME, LOG_FILE_NAME);
}

function checkLevel(level: string): void {
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError([
      {
        path: 'logging.level',
        message: `"${level}" is not a log level`,
        fix: `use one of: ${LOG_LEVELS.join(', ')}`,
      },
    ]);
  }
}

/**
 * Creates the gateway logger writing JSON lines to stdout and/or `<home>/logs/gateway.log`.
 *
 * @throws ConfigError when `level` is not a log level.
 */
export function createLogger(opts: CreateLoggerOptions = {}): Logger {
  const level = opts.level ?? 'info';
  checkLevel(level);
  // Streams accept every level: the logger's own level is the only filter, so it can be changed later.
  const streams: StreamEntry[] = [];
  if (opts.stdout !== false) {
    const console = opts.stdout === undefined || opts.stdout === true ? processConsole() : opts.stdout;
    streams.push({ level: 'trace', stream: consoleDestination(console) });
  }
  if (opts.home !== undefined) {
    streams.push({
      level: 'trace',
      stream: createRotatingFile(logFilePath(opts.home), opts.rotation) as DestinationStream,
    });
  }
  if (streams.length === 0) return createSilentLogger();
  return pino(
    { name: LOGGER_NAME, level, timestamp: pino.stdTimeFunctions.isoTime },
    pino.multistream(streams),
  );
}

/** A logger that writes nothing, for tests and apps that embed the gateway without logs. */
export function createSilentLogger(): Logger {
  return pino({ name: LOGGER_NAME, enabled: false });
}
