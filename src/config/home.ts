/**
 * The Hermes home folder (`HERMES_HOME`, default `~/.hermes`): it holds config.yaml,
 * the database and `logs/`. Several installs on one machine use different homes.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { GatewayError } from '../errors.ts';
import { makePrivateDir } from './private-home.ts';

/** Folder of the log files inside the home. */
export const LOGS_DIR_NAME = 'logs';

/** The gateway's database inside `HERMES_HOME`. */
export const STATE_DB_FILE = 'state.db';

/** The folder of message files (photos, documents, voice notes, files the agent sends) inside `HERMES_HOME`. */
export const MEDIA_DIR_NAME = 'media';

/**
 * The home folder for this environment: `HERMES_HOME` (a leading `~/` is expanded,
 * relative paths are resolved against the working directory) or `~/.hermes`.
 * `userHome` is the user's own folder that `~` stands for (default: this process's user).
 */
export function resolveHome(env: NodeJS.ProcessEnv = process.env, userHome: string = homedir()): string {
  const configured = env.HERMES_HOME?.trim();
  if (configured === undefined || configured === '') return join(userHome, '.hermes');
  if (configured === '~') return userHome;
  if (configured.startsWith('~/')) return join(userHome, configured.slice(2));
  return resolve(configured);
}

/**
 * Creates `home` and `home/logs` when missing (both 0700: private to this user)
 * and proves the home is writable by writing and removing a probe file.
 *
 * @throws GatewayError `GATEWAY_ERR_HOME_UNWRITABLE` naming the path, the operating
 *   system's reason and the fix.
 */
export function ensureHome(home: string): void {
  const probe = join(home, `.write-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  let step = home;
  try {
    makePrivateDir(home);
    step = join(home, LOGS_DIR_NAME);
    makePrivateDir(step);
    step = home;
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (error) {
    const reason = (error as Error).message;
    const fix =
      'point HERMES_HOME at a folder this user can write (e.g. HERMES_HOME=$HOME/.hermes), ' +
      `or fix the permissions of ${step}`;
    throw new GatewayError(
      'GATEWAY_ERR_HOME_UNWRITABLE',
      `The Hermes home ${home} cannot be used: ${step === home ? 'it' : step} is not writable (${reason}). Fix: ${fix}`,
      { path: home, folder: step, reason, fix },
      { cause: error },
    );
  }
}
