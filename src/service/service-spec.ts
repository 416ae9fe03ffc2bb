/**
 * What a systemd unit and a launchd plist are generated from: the Node runtime
 * and `bin/hermes.js` of this install, the Hermes home, PATH and how long a stop
 * may take.
 */
import { dirname, isAbsolute, join } from 'node:path';

/** Everything a service definition of one home holds. */
export interface ServiceSpec {
  /** The Hermes home the service runs (`HERMES_HOME`). */
  home: string;
  /** Absolute path of the Node runtime (`process.execPath`). */
  nodePath: string;
  /** Absolute path of `bin/hermes.js`. */
  binPath: string;
  /** PATH of the service: this install's bin folders first. */
  path: string;
  /** Seconds the service manager waits after SIGTERM before SIGKILL. */
  stopTimeoutSeconds: number;
  /** The user a system unit runs as (`User=`); unset for user services. */
  runAs?: string;
}

/** What the gateway is started with after the runtime and the bin. */
export const GATEWAY_ARGS = ['gateway'] as const;

/** Folders appended to PATH when the environment has none of them. */
const BASE_PATH = ['/usr/local/bin', '/usr/bin', '/bin'];

/**
 * PATH for the service: the Node runtime's folder and this install's
 * `node_modules/.bin` first (so tools the agent starts find the same Node), then
 * the absolute folders of `envPath`, then the system folders; no duplicates.
 */
export function servicePath(nodePath: string, binPath: string, envPath: string | undefined): string {
  const installRoot = dirname(dirname(binPath));
  const folders = [
    dirname(nodePath),
    join(installRoot, 'node_modules', '.bin'),
    ...(envPath ?? '').split(':'),
    ...BASE_PATH,
  ].filter((folder) => folder !== '' && isAbsolute(folder));
  return [...new Set(folders)].join(':');
}

/**
 * Extra seconds beyond `gateway.drain_timeout_seconds`: on SIGTERM the gateway
 * interrupts runs in flight (their processes get SIGTERM, then SIGKILL after 1 s),
 * tells the home channels, commits every write, gives the outbox the drain
 * timeout, then disconnects the platforms and closes the database.
 */
export const STOP_MARGIN_SECONDS = 30;

/** How long the service manager should wait for a graceful stop. */
export function stopTimeoutSeconds(drainTimeoutSeconds: number): number {
  return Math.ceil(drainTimeoutSeconds) + STOP_MARGIN_SECONDS;
}
