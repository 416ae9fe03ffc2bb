/**
 * Permissions of the Hermes home: the folder should be 0700 and the files that
 * hold secrets or conversations (state.db and its -wal/-shm, config.yaml, .env,
 * logs/*) 0600. Nothing is changed: the check prints the `chmod` to run (the
 * gateway also tightens its home when it starts, see `tightenHome`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LOGS_DIR_NAME, STATE_DB_FILE } from '../config/home.ts';
import { CONFIG_FILE_NAME } from '../config/load-config.ts';
import { type CheckResult, ok, warn } from './check-result.ts';

const NAME = 'Home permissions';

/** The mode of `path` as `0755`. */
function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

/** Quotes a path for a shell line when it needs it. */
function shellPath(path: string): string {
  return /^[\w./~-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
}

/** Files of `home` that must be readable by the owner only (those that exist). */
function privateFiles(home: string): string[] {
  const names = [STATE_DB_FILE, `${STATE_DB_FILE}-wal`, `${STATE_DB_FILE}-shm`, CONFIG_FILE_NAME, '.env'];
  const files = names.map((n) => join(home, n)).filter((p) => existsSync(p));
  const logs = join(home, LOGS_DIR_NAME);
  if (existsSync(logs) && statSync(logs).isDirectory()) {
    for (const entry of readdirSync(logs, { withFileTypes: true })) {
      if (entry.isFile()) files.push(join(logs, entry.name));
    }
  }
  return files;
}

/**
 * Reports the home folder when group or others may enter it, and each private
 * file group or others may read or write, with one `chmod` line to run.
 */
export function checkHomePermissions(home: string): CheckResult {
  if (!existsSync(home)) {
    return warn(
      NAME,
      `${home} does not exist yet`,
      'run "hermes gateway setup" or start the gateway once to create it',
    );
  }
  if (process.platform === 'win32') return ok(NAME, 'not checked on Windows (no POSIX modes)');
  const tooOpen: string[] = [];
  const fixes: string[] = [];
  const homeMode = statSync(home).mode;
  if ((homeMode & 0o077) !== 0) {
    tooOpen.push(`${home} is ${octal(homeMode)} (should be 0700)`);
    fixes.push(`chmod 700 ${shellPath(home)}`);
  }
  const files: string[] = [];
  for (const file of privateFiles(home)) {
    const mode = statSync(file).mode;
    if ((mode & 0o077) !== 0) {
      tooOpen.push(`${file} is ${octal(mode)} (should be 0600)`);
      files.push(shellPath(file));
    }
  }
  if (files.length > 0) fixes.push(`chmod 600 ${files.join(' ')}`);
  if (tooOpen.length === 0) return ok(NAME, `${home} is 0700 and its private files are 0600`);
  return warn(
    NAME,
    `other users can read the home: ${tooOpen.join('; ')}`,
    `run: ${fixes.join(' && ')} (or restart the gateway: it tightens its home at start)`,
  );
}
