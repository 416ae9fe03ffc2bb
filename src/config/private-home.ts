/**
 * Private by default: the Hermes home holds transcripts, outbox texts, pairing
 * records, keys and logs, so only its owner may read it. Folders are created
 * 0700 and files 0600 whatever the umask (the mode is given at creation and set
 * again with chmod), and an existing home that is too open is tightened at start.
 */
import { chmodSync, closeSync, fchmodSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Mode of every folder the gateway creates in its home: owner only. */
export const PRIVATE_DIR_MODE = 0o700;

/** Mode of every file the gateway creates in its home: owner read and write. */
export const PRIVATE_FILE_MODE = 0o600;

/** Group and other permission bits: none may be set inside a private home. */
const OPEN_BITS = 0o077;

/**
 * Creates `dir` (and missing parents) as 0700. A folder that already existed
 * keeps its mode (tightening existing homes is `tightenHome`'s job).
 */
export function makePrivateDir(dir: string): void {
  const created = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (created !== undefined) chmodCreated(created, dir);
}

/** `makePrivateDir` for async code paths. */
export async function makePrivateDirAsync(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (created !== undefined) chmodCreated(created, dir);
}

/** Sets 0700 on every folder from `first` (the first one mkdir created) down to `dir`. */
function chmodCreated(first: string, dir: string): void {
  chmodSync(first, PRIVATE_DIR_MODE);
  let path = first;
  for (const part of dir.slice(first.length).split('/').filter(Boolean)) {
    path = join(path, part);
    chmodSync(path, PRIVATE_DIR_MODE);
  }
}

/**
 * Creates `path` as an empty 0600 file when it does not exist yet, so whatever
 * opens it next (SQLite, a log destination) finds a private file. An existing
 * file is left as it is.
 */
export function touchPrivateFile(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'wx', PRIVATE_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw error;
  }
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes group and other permissions from the home, from everything directly
 * inside it (state.db and its -wal/-shm, config.yaml, .env, gateway.json, the
 * media, logs, whatsapp folders...) and from what those folders hold directly
 * (the log files, stored media). Owner bits (such as the execute bit of a
 * script) are kept. Symbolic links are not followed.
 *
 * @returns the paths that were tightened, each with its old mode in octal.
 */
export function tightenHome(home: string): Array<{ path: string; was: string }> {
  const tightened: Array<{ path: string; was: string }> = [];
  const tighten = (path: string): void => {
    let mode: number;
    try {
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) return;
      mode = stat.mode & 0o7777;
    } catch {
      return; // gone meanwhile
    }
    if ((mode & OPEN_BITS) === 0) return;
    chmodSync(path, mode & ~OPEN_BITS);
    tightened.push({ path, was: mode.toString(8).padStart(4, '0') });
  };
  tighten(home);
  for (const name of safeList(home)) {
    const child = join(home, name);
    tighten(child);
    for (const inner of safeList(child)) tighten(join(child, inner));
  }
  return tightened;
}

/** Names inside `dir`; none when it is not a (real) folder or cannot be read. */
function safeList(dir: string): string[] {
  try {
    if (!lstatSync(dir).isDirectory()) return [];
    return readdirSync(dir);
  } catch {
    return [];
  }
}
