/**
 * Structured logging: one JSON object a line, to stdout and to
 * `<home>/logs/gateway.log`. Writes are synchronous so a crash loses no line.
 */
import { join } from 'node:path';
import { type DestinationStream, type Logger as PinoLogger, pino, type StreamEntry } from 'pino';
import { LOGS_DIR_NAME } from './config/home.ts';
import { LOG_LEVELS } from './config/schema.ts';
import { ConfigError } from './errors.ts';

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
  /** Also write to stdout (default true). */
  stdout?: boolean;
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
    streams.push({ level: 'trace', stream: pino.destination({ dest: 1, sync: true }) as DestinationStream });
  }
  if (opts.home !== undefined) {
    const dest = logFilePath(opts.home);
    streams.push({
      level: 'trace',
      stream: pino.destination({ dest, mkdir: true, sync: true }) as DestinationStream,
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
