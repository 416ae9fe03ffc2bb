/**
 * What a live credential probe found, independent of how it is shown:
 * `hermes gateway setup` refuses to save on anything but `ok`, `hermes doctor`
 * shows ✅ / ❌ / ⚠️. Secrets never appear in a result.
 */
import type { ConfigIssue } from '../../errors.ts';

/**
 * `ok`: the platform accepted the credentials of `account`;
 * `refused`: the platform rejected them (the issue names the variable and the fix);
 * `unreachable`: no verdict (network failure, timeout, or an answer that is neither).
 */
export type ProbeResult =
  | { status: 'ok'; account: string; note?: string }
  | { status: 'refused'; issue: ConfigIssue }
  | { status: 'unreachable'; issue: ConfigIssue };

/** How a probe runs. */
export interface ProbeContext {
  /** How long to wait for the platform, in milliseconds (setup 15 000, doctor 5 000). */
  timeoutMs: number;
  /** Environment with the API base overrides (`HERMES_SETUP_SLACK_API_URL`, `HERMES_SETUP_DISCORD_API_URL`). */
  env: NodeJS.ProcessEnv;
  /** `HERMES_HOME`, where the WhatsApp link lives. */
  home: string;
  /**
   * Matrix with a password and no access token: log in to check it (signs the
   * gateway's device in again). Without it only the homeserver is asked whether it answers.
   */
  loginWithPassword?: boolean;
}

/** The fix shared by every `unreachable` result; each caller adds its own way out. */
export const UNREACHABLE_FIX = 'check the network, proxy and DNS of this machine and the API address';

/** A rejection of `path` with its fix. */
export function refused(path: string, message: string, fix: string): ProbeResult {
  return { status: 'refused', issue: { path, message, fix } };
}

/** No verdict on `path`. */
export function unreachable(path: string, message: string, fix = UNREACHABLE_FIX): ProbeResult {
  return { status: 'unreachable', issue: { path, message, fix } };
}
