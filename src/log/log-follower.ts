/**
 * Follows the gateway log as it grows (`hermes logs -f`). It reads new lines by
 * polling, and survives a rotation: when `gateway.log` is renamed to
 * `gateway.log.1`, it finishes the renamed file and continues from the start of
 * the new `gateway.log`, reading first any file that was rotated past in between.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { logFilesOldestFirst } from './log-files.ts';

/** How `followLog` runs. */
export interface FollowOptions {
  /** Byte offset in the current file to start from (default: its end). */
  fromOffset?: number;
  /** Milliseconds between checks for new lines (default 250). */
  intervalMs?: number;
  /** Stops following. */
  signal: AbortSignal;
}

/** Identity of a file, to notice that the path now names another file. */
function inodeOf(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}

/**
 * Calls `onLine` with each complete line appended to `path` until `signal`
 * aborts; resolves then. A missing file is waited for.
 */
export async function followLog(
  path: string,
  onLine: (line: string) => void,
  opts: FollowOptions,
): Promise<void> {
  const interval = opts.intervalMs ?? 250;
  let fd: number | undefined;
  let offset = 0;
  let partial = '';
  const buffer = Buffer.alloc(64 * 1024);

  const openCurrent = (startAt: 'end' | 'start' | number): void => {
    try {
      fd = openSync(path, 'r');
    } catch {
      fd = undefined;
      return;
    }
    const size = fstatSync(fd).size;
    offset = startAt === 'end' ? size : startAt === 'start' ? 0 : Math.min(startAt, size);
    partial = '';
  };

  const emitText = (text: string): void => {
    partial += text;
    let nl = partial.indexOf('\n');
    while (nl >= 0) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      if (line !== '') onLine(line);
      nl = partial.indexOf('\n');
    }
  };

  /** Files rotated after the one with inode `seen` (all rotated files when it is gone), oldest first. */
  const rotatedSince = (seen: number): string[] => {
    const rotated = logFilesOldestFirst(path).filter((file) => file !== path);
    const at = rotated.findIndex((file) => inodeOf(file) === seen);
    return rotated.slice(at + 1);
  };

  const drain = (): void => {
    if (fd === undefined) return;
    if (fstatSync(fd).size < offset) offset = 0; // truncated in place
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, offset);
      if (read === 0) break;
      offset += read;
      emitText(buffer.toString('utf8', 0, read));
    }
  };

  openCurrent(opts.fromOffset ?? 'end');
  try {
    while (!opts.signal.aborted) {
      drain();
      const current = inodeOf(path);
      if (fd === undefined) {
        if (current !== undefined) openCurrent('start');
      } else if (current !== undefined && current !== fstatSync(fd).ino) {
        drain(); // the rest of the file that was renamed away
        const seen = fstatSync(fd).ino;
        closeSync(fd);
        fd = undefined;
        for (const file of rotatedSince(seen)) {
          partial = '';
          emitText(readText(file));
        }
        openCurrent('start');
        continue;
      }
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          opts.signal.removeEventListener('abort', stop);
          resolve();
        }, interval);
        opts.signal.addEventListener('abort', stop, { once: true });
      });
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return ''; // removed meanwhile
  }
}
