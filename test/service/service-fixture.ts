/**
 * A machine in temp folders for service tests: the user's folder, the unit and
 * agent folders and the Hermes home all live under one temp folder removed after
 * each test, and commands go to a recording runner. Nothing touches the real
 * ~/.config, /etc or ~/Library.
 */
import { join, resolve } from 'node:path';
import type { ServiceEnvironment } from '../../src/service/service-environment.ts';
import { tempDir } from '../cli/run-hermes.ts';
import { type RecordingRunner, recordingRunner, type Script } from './recording-runner.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** A fresh temp folder, removed after the test. */
export { tempDir };

/** The fake machine. */
export interface FakeMachine extends RecordingRunner {
  root: string;
  /** The user's folder (`~`). */
  userHome: string;
  userUnitDir: string;
  systemUnitDir: string;
  launchAgentsDir: string;
  /**
   * The machine as service control sees it, run by ann with `env`, or with
   * `sudo` by root with `SUDO_USER=ann`.
   */
  senv: (env?: NodeJS.ProcessEnv, as?: { sudo?: boolean }) => ServiceEnvironment;
}

/** Start of every uptime in these tests: 2026-12-03 10:00:00 UTC, plus 3725 s. */
export const NOW = Date.parse('2026-12-03T10:00:00Z') + 3725_000;

/** A fake Linux (or macOS) machine of user `ann` (uid 1000), who may use sudo. */
export function fakeMachine(opts: { platform?: NodeJS.Platform; script?: Script } = {}): FakeMachine {
  const root = tempDir();
  const userHome = join(root, 'home', 'ann');
  const runner = recordingRunner((line) => {
    const scripted = opts.script?.(line);
    if (scripted) return scripted;
    if (line === 'getent passwd ann') return { stdout: `ann:x:1000:1000:Ann:${userHome}:/bin/bash\n` };
    return undefined;
  });
  const machine: FakeMachine = {
    ...runner,
    root,
    userHome,
    userUnitDir: join(userHome, '.config', 'systemd', 'user'),
    systemUnitDir: join(root, 'etc', 'systemd', 'system'),
    launchAgentsDir: join(userHome, 'Library', 'LaunchAgents'),
    senv: (env = {}, as = {}) => ({
      platform: opts.platform ?? 'linux',
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', ...(as.sudo ? { SUDO_USER: 'ann' } : {}), ...env },
      run: runner.run,
      userHome: as.sudo ? join(root, 'root') : userHome,
      username: as.sudo ? 'root' : 'ann',
      uid: as.sudo ? 0 : 1000,
      nodePath: process.execPath,
      binPath: join(ROOT, 'bin', 'hermes.js'),
      userUnitDir: machine.userUnitDir,
      systemUnitDir: machine.systemUnitDir,
      launchAgentsDir: machine.launchAgentsDir,
      now: () => NOW,
    }),
  };
  return machine;
}
