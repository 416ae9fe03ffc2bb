/**
 * The files of the gateway log: `gateway.log` (being written) and its rotated
 * predecessors `gateway.log.1` (newest) … `gateway.log.N` (oldest).
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Path of rotated file number `n` (1 is the newest) of the log at `path`. */
export function rotatedLogPath(path: string, n: number): string {
  return `${path}.${n}`;
}

/** The log at `path` and its rotated files that exist, oldest first (the live file last). */
export function logFilesOldestFirst(path: string): string[] {
  const name = basename(path);
  const dir = dirname(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const rotated = names
    .map((entry) => {
      const match = entry.startsWith(`${name}.`) ? /^\d+$/.exec(entry.slice(name.length + 1)) : null;
      return match ? Number(match[0]) : undefined;
    })
    .filter((n): n is number => n !== undefined && n > 0)
    .sort((a, b) => b - a)
    .map((n) => join(dir, `${name}.${n}`));
  return names.includes(name) ? [...rotated, path] : rotated;
}
