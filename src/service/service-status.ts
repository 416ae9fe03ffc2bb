/**
 * The state of the installed service as `hermes gateway status` shows it, read
 * from `systemctl show` or `launchctl print`.
 */

/** What the service manager says about the service. */
export interface ServiceStatus {
  /** `active`, `inactive`, `failed`, `activating`, `deactivating`, or `not installed`. */
  state: string;
  /** More detail: systemd's SubState (`running`, `dead`, `auto-restart`), launchd's state. */
  detail?: string;
  /** Process id of the running gateway. */
  pid?: number;
  /** When the gateway process started, as the service manager printed it. */
  since?: string;
  /** Seconds since the process started, when known. */
  uptimeSeconds?: number;
}

/** The properties `systemctl show` is asked for. */
export const SYSTEMD_STATUS_PROPERTIES = 'ActiveState,SubState,MainPID,ExecMainStartTimestamp';

/** `Key=value` lines of `systemctl show`. */
function keyValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) values.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return values;
}

/**
 * Milliseconds of a systemd timestamp such as `Thu 2026-12-03 10:33:55 UTC` (the
 * zone is UTC or the local zone of the machine, which is how systemctl prints it).
 */
export function parseSystemdTimestamp(text: string): number | undefined {
  const match = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?: (\S+))?/.exec(text);
  if (!match) return undefined;
  const utc = match[3] === 'UTC' || match[3] === 'GMT';
  const ms = Date.parse(`${match[1]}T${match[2]}${utc ? 'Z' : ''}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The status from `systemctl show -p ActiveState,SubState,MainPID,ExecMainStartTimestamp`. */
export function parseSystemctlShow(text: string, now: number): ServiceStatus {
  const values = keyValues(text);
  const status: ServiceStatus = { state: values.get('ActiveState') || 'unknown' };
  const sub = values.get('SubState');
  if (sub) status.detail = sub;
  const pid = Number(values.get('MainPID'));
  if (Number.isInteger(pid) && pid > 0) {
    status.pid = pid;
    const since = values.get('ExecMainStartTimestamp');
    const started = since ? parseSystemdTimestamp(since) : undefined;
    if (since) status.since = since;
    if (started !== undefined) status.uptimeSeconds = Math.max(0, Math.round((now - started) / 1000));
  }
  return status;
}

/**
 * The status from `launchctl print gui/<uid>/<label>`: `state = running`,
 * `pid = 123`, `last exit code = 1`.
 */
export function parseLaunchctlPrint(text: string): ServiceStatus {
  const field = (name: string) => new RegExp(`^\\s*${name} = (.+)$`, 'm').exec(text)?.[1]?.trim();
  const state = field('state');
  const pid = Number(field('pid'));
  const lastExit = field('last exit code');
  const running = state === 'running';
  const failed = !running && lastExit !== undefined && lastExit !== '0' && !/never exited/.test(lastExit);
  const status: ServiceStatus = { state: running ? 'active' : failed ? 'failed' : 'inactive' };
  if (state) status.detail = failed ? `${state}, last exit code ${lastExit}` : state;
  if (running && Number.isInteger(pid) && pid > 0) status.pid = pid;
  return status;
}

/** Seconds of an elapsed time printed by `ps -o etime=` (`[[dd-]hh:]mm:ss`). */
export function parseElapsed(text: string): number | undefined {
  const match = /^\s*(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)\s*$/.exec(text);
  if (!match) return undefined;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  return ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds);
}

/** `2d 3h`, `3h 4m`, `4m 5s`, `5s`. */
export function formatUptime(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

/** The state line: `active (running), pid 4242, up 3m 5s (since Thu 2026-12-03 10:30:50 UTC)`. */
export function formatServiceState(status: ServiceStatus): string {
  const parts = [status.detail ? `${status.state} (${status.detail})` : status.state];
  if (status.pid !== undefined) parts.push(`pid ${status.pid}`);
  if (status.uptimeSeconds !== undefined) {
    parts.push(`up ${formatUptime(status.uptimeSeconds)}${status.since ? ` (since ${status.since})` : ''}`);
  } else if (status.since) parts.push(`since ${status.since}`);
  return parts.join(', ');
}
