/**
 * Free space on the filesystem of the Hermes home (`fs.statfs`): the database,
 * logs and media grow there. Warns under 1 GB or under 5 % free.
 */
import { existsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type CheckResult, ok, warn } from './check-result.ts';

const NAME = 'Disk space';

/** Below this many free bytes the check warns. */
export const LOW_DISK_BYTES = 1024 ** 3;

/** Below this share of free space the check warns. */
export const LOW_DISK_RATIO = 0.05;

/** `1.5 GB`, `320 MB`. */
function size(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${Math.round(bytes / 1024 ** 2)} MB`;
}

/** The home itself, or its nearest existing parent when it is not created yet. */
function existingFolder(path: string): string {
  let current = path;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

/** Checks the free space (for this user) on the home's filesystem. */
export async function checkDiskSpace(home: string): Promise<CheckResult> {
  const folder = existingFolder(home);
  try {
    const stats = await statfs(folder);
    const free = stats.bavail * stats.bsize;
    const total = stats.blocks * stats.bsize;
    const ratio = total > 0 ? free / total : 1;
    const found = `${size(free)} free of ${size(total)} (${(ratio * 100).toFixed(1)} %) on the filesystem of ${folder}`;
    if (free < LOW_DISK_BYTES || ratio < LOW_DISK_RATIO) {
      return warn(
        NAME,
        `low: ${found}`,
        'free some space (old logs in HERMES_HOME/logs, media in HERMES_HOME/media) or move HERMES_HOME to a larger disk',
      );
    }
    return ok(NAME, found);
  } catch (error) {
    return warn(NAME, `cannot read the free space of ${folder}: ${(error as Error).message}`);
  }
}
