/**
 * The launchd agent of the gateway (`~/Library/LaunchAgents/<label>.plist`),
 * built and read with the `plist` library.
 */
import { join } from 'node:path';
import { build, type PlistValue, parse } from 'plist';
import { LOGS_DIR_NAME } from '../config/home.ts';
import { GATEWAY_ARGS, type ServiceSpec } from './service-spec.ts';

/** Files launchd writes the gateway's stdout and stderr to, inside `$HERMES_HOME/logs`. */
export const LAUNCHD_STDOUT_FILE = 'gateway.stdout.log';
export const LAUNCHD_STDERR_FILE = 'gateway.stderr.log';

/** Seconds launchd waits before starting the gateway again after it exited. */
const THROTTLE_SECONDS = 10;

/**
 * The agent's keys: started at login (`RunAtLoad`), started again when it exits
 * with a failure (`KeepAlive`), SIGTERM then `ExitTimeOut` seconds to drain.
 */
export function launchdPlistValue(spec: ServiceSpec, label: string): Record<string, PlistValue> {
  const logs = join(spec.home, LOGS_DIR_NAME);
  return {
    Label: label,
    ProgramArguments: [spec.nodePath, spec.binPath, ...GATEWAY_ARGS],
    EnvironmentVariables: { PATH: spec.path, HERMES_HOME: spec.home },
    WorkingDirectory: spec.home,
    RunAtLoad: true,
    KeepAlive: { SuccessfulExit: false },
    ThrottleInterval: THROTTLE_SECONDS,
    ExitTimeOut: spec.stopTimeoutSeconds,
    StandardOutPath: join(logs, LAUNCHD_STDOUT_FILE),
    StandardErrorPath: join(logs, LAUNCHD_STDERR_FILE),
  };
}

/** The plist file's XML text. */
export function buildLaunchdPlist(spec: ServiceSpec, label: string): string {
  return `${build(launchdPlistValue(spec, label))}\n`;
}

/** Reads a plist file's text; throws when it is not a plist dictionary. */
export function parseLaunchdPlist(text: string): Record<string, PlistValue> {
  const value = parse(text);
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    value instanceof Date ||
    value instanceof Uint8Array
  ) {
    throw new Error('not a plist dictionary');
  }
  return value as Record<string, PlistValue>;
}
