/**
 * A synchronous, size-rotated log file for pino. When the next line would take
 * `gateway.log` over `maxBytes`, the file is renamed `gateway.log.1` (older ones
 * move up to `.2` … `.keep`, the oldest is removed) and a fresh `gateway.log` is
 * started. Every write is on disk when the call returns, so a crash or SIGTERM
 * loses no line; files are created 0600.
 */
import { closeSync, fchmodSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../config/private-home.ts';
import { rotatedLogPath } from './log-files.ts';

/** Default `logging.max_size_mb`. */
export const DEFAULT_LOG_MAX_SIZE_MB = 10;

/** Default `logging.keep`. */
export const DEFAULT_LOG_KEEP = 5;

/** How the log file rotates. */
export interface RotationOptions {
  /** Size in bytes past which the file is rotated (default 10 MiB). */
  maxBytes?: number;
  /** How many rotated files are kept (default 5). */
  keep?: number;
}

/** A pino destination that writes to a rotating file. */
export interface RotatingFile {
  write(line: string): void;
  /** Closes the file; later writes reopen it. */
  close(): void;
}

/**
 * Opens `path` for appending (creating its folder 0700 and the file 0600) and
 * returns a destination that rotates it by size.
 *
 * @example
 * const file = createRotatingFile('/home/me/.hermes/logs/gateway.log', { maxBytes: 10 * 1024 * 1024, keep: 5 });
 * const logger = pino(file);
 */
export function createRotatingFile(path: string, opts: RotationOptions = {}): RotatingFile {
  const maxBytes = opts.maxBytes ?? DEFAULT_LOG_MAX_SIZE_MB * 1024 * 1024;
  const keep = opts.keep ?? DEFAULT_LOG_KEEP;
  let fd: number | undefined;
  let size = 0;

  const open = (): number => {
    makePrivateDir(dirname(path));
    const opened = openSync(path, 'a', PRIVATE_FILE_MODE);
    const stat = fstatSync(opened);
    if (stat.size === 0) fchmodSync(opened, PRIVATE_FILE_MODE);
    size = stat.size;
    fd = opened;
    return opened;
  };

  const rotate = (): void => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    rmSync(rotatedLogPath(path, keep), { force: true });
    for (let n = keep - 1; n >= 1; n--) renameIfPresent(rotatedLogPath(path, n), rotatedLogPath(path, n + 1));
    if (keep >= 1) renameIfPresent(path, rotatedLogPath(path, 1));
    else rmSync(path, { force: true });
  };

  return {
    write(line: string): void {
      const bytes = Buffer.byteLength(line);
      if (fd === undefined) open();
      if (size > 0 && size + bytes > maxBytes) {
        rotate();
        open();
      }
      let written = 0;
      const buffer = Buffer.from(line);
      while (written < buffer.length) written += writeSync(fd as number, buffer, written);
      size += bytes;
    },
    close(): void {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

function renameIfPresent(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
