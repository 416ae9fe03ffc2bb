/**
 * What service control reads from the machine: the platform, the environment,
 * the user, this install's Node runtime and bin, the folders units go to, and
 * the command seam. Tests replace any of it (temp folders, a recording runner).
 */
import { homedir, userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type CommandRunner, runCommand } from './command-runner.ts';

/** The machine as service control sees it. */
export interface ServiceEnvironment {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** Runs systemctl, launchctl, getent and ps. */
  run: CommandRunner;
  /** The folder of the user running the command (`~`). */
  userHome: string;
  /** Name of the user running the command. */
  username: string;
  /** Numeric id of the user running the command (0 for root). */
  uid: number;
  /** Absolute path of the Node runtime the service starts (`process.execPath`). */
  nodePath: string;
  /** Absolute path of this install's `bin/hermes.js`. */
  binPath: string;
  /** Folder of user units (default `$XDG_CONFIG_HOME/systemd/user` or `~/.config/systemd/user`). */
  userUnitDir?: string;
  /** Folder of system units (default `/etc/systemd/system`). */
  systemUnitDir?: string;
  /** Folder of launchd agents (default `~/Library/LaunchAgents`). */
  launchAgentsDir?: string;
  /** Clock for uptimes. */
  now: () => number;
}

/** Folder of boot-time system units. */
export const SYSTEM_UNIT_DIR = '/etc/systemd/system';

/** This process: its platform, environment, user, Node runtime and install. */
export function processServiceEnvironment(env: NodeJS.ProcessEnv = process.env): ServiceEnvironment {
  return {
    platform: process.platform,
    env,
    run: runCommand,
    userHome: homedir(),
    username: userInfo().username,
    uid: process.getuid?.() ?? -1,
    nodePath: process.execPath,
    binPath: fileURLToPath(new URL('../../bin/hermes.js', import.meta.url)),
    now: Date.now,
  };
}
