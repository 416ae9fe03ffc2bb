/**
 * Which service a command acts on: systemd (Linux, user or `--system`) or launchd
 * (macOS), for which Hermes home and user, under which name and file.
 */
import { join } from 'node:path';
import { resolveHome } from '../config/home.ts';
import { loadConfig } from '../config/load-config.ts';
import { DEFAULT_CONFIG } from '../config/schema.ts';
import { runOrFail } from './command-runner.ts';
import { type ServiceEnvironment, SYSTEM_UNIT_DIR } from './service-environment.ts';
import { ServiceError } from './service-error.ts';
import { type ServiceNames, serviceNames } from './service-name.ts';
import { type ServiceSpec, servicePath, stopTimeoutSeconds } from './service-spec.ts';
import type { ServiceScope } from './systemd-unit.ts';

/** The service one command acts on. */
export interface ServiceTarget {
  /** The service manager. */
  kind: 'systemd' | 'launchd';
  /** User service, or (Linux) boot-time system service. */
  scope: ServiceScope;
  /** The user the gateway runs as. */
  user: string;
  /** Unit name and launchd label. */
  names: ServiceNames;
  /** The unit or plist file. */
  file: string;
  /** systemd: the unit of the other scope for the same home (both installed is a mistake). */
  otherFile?: string;
  /** What the file is generated from. */
  spec: ServiceSpec;
}

/** What the command asks for. */
export interface TargetRequest {
  /** `--system`: the boot-time system unit (Linux only). */
  system: boolean;
  /** install and uninstall write system files: they need root and SUDO_USER. */
  writes: boolean;
  /** install refuses an invalid configuration; the other commands fall back to defaults. */
  strictConfig: boolean;
}

/** The home folder of `user`, from the passwd database. */
async function homeOfUser(senv: ServiceEnvironment, user: string): Promise<string> {
  const fix = `check that SUDO_USER (${user}) is a user of this machine`;
  const { stdout } = await runOrFail(senv.run, 'getent', ['passwd', user], fix);
  const home = stdout.trim().split(':')[5];
  if (!home) throw new ServiceError(`The home folder of ${user} is not in the passwd database`, fix);
  return home;
}

/** `gateway.drain_timeout_seconds` of the home's configuration. */
function drainSeconds(home: string, env: NodeJS.ProcessEnv, strict: boolean): number {
  try {
    return loadConfig({ home, env }).gateway.drain_timeout_seconds;
  } catch (error) {
    if (strict) throw error;
    return DEFAULT_CONFIG.gateway.drain_timeout_seconds;
  }
}

/** Who the system unit runs as: the user who ran sudo. */
async function systemUser(
  senv: ServiceEnvironment,
  writes: boolean,
): Promise<{ user: string; home: string }> {
  const sudoUser = senv.env.SUDO_USER?.trim();
  if (writes && senv.uid !== 0) {
    throw new ServiceError(
      'A system service is written to /etc/systemd/system, which needs root',
      'run it with sudo: sudo "$(command -v hermes)" gateway install --system (sudo -E keeps HERMES_HOME)',
    );
  }
  if (writes && !sudoUser) {
    throw new ServiceError(
      'The system service runs as the user who ran sudo, and SUDO_USER is not set',
      'run it from your own account with sudo instead of as root: sudo "$(command -v hermes)" gateway install --system',
    );
  }
  if (sudoUser) return { user: sudoUser, home: await homeOfUser(senv, sudoUser) };
  return { user: senv.username, home: senv.userHome };
}

/**
 * Resolves the service for this machine and request.
 *
 * @throws ServiceError on a system without systemd or launchd, for `--system` on
 *   macOS, and for install/uninstall `--system` without root or SUDO_USER.
 * @throws ConfigError for an invalid configuration when `strictConfig`.
 */
export async function resolveServiceTarget(
  senv: ServiceEnvironment,
  request: TargetRequest,
): Promise<ServiceTarget> {
  if (senv.platform !== 'linux' && senv.platform !== 'darwin') {
    throw new ServiceError(
      `Running as a service is supported on Linux (systemd) and macOS (launchd), not on ${senv.platform}`,
      'run "hermes gateway" in the foreground under the supervisor of your system',
      { platform: senv.platform },
    );
  }
  if (senv.platform === 'darwin' && request.system) {
    throw new ServiceError(
      '--system is for Linux: on macOS the gateway runs as a launchd agent of your user',
      'run the command without --system',
    );
  }
  const scope: ServiceScope = request.system ? 'system' : 'user';
  const owner =
    scope === 'system'
      ? await systemUser(senv, request.writes)
      : { user: senv.username, home: senv.userHome };
  const home = resolveHome(senv.env, owner.home);
  const names = serviceNames(home, owner.home);
  const spec: ServiceSpec = {
    home,
    nodePath: senv.nodePath,
    binPath: senv.binPath,
    path: servicePath(senv.nodePath, senv.binPath, senv.env.PATH),
    stopTimeoutSeconds: stopTimeoutSeconds(drainSeconds(home, senv.env, request.strictConfig)),
    ...(scope === 'system' ? { runAs: owner.user } : {}),
  };
  if (senv.platform === 'darwin') {
    const agents = senv.launchAgentsDir ?? join(owner.home, 'Library', 'LaunchAgents');
    return {
      kind: 'launchd',
      scope,
      user: owner.user,
      names,
      file: join(agents, `${names.label}.plist`),
      spec,
    };
  }
  const xdg = scope === 'user' ? senv.env.XDG_CONFIG_HOME?.trim() : undefined;
  const userUnits = senv.userUnitDir ?? join(xdg || join(owner.home, '.config'), 'systemd', 'user');
  const systemUnits = senv.systemUnitDir ?? SYSTEM_UNIT_DIR;
  const [mine, other] = scope === 'user' ? [userUnits, systemUnits] : [systemUnits, userUnits];
  return {
    kind: 'systemd',
    scope,
    user: owner.user,
    names,
    file: join(mine, names.unit),
    otherFile: join(other, names.unit),
    spec,
  };
}
