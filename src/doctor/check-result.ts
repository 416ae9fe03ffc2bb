/**
 * What one `hermes doctor` check found: a status, what it saw and, when
 * something is wrong, what to do about it.
 */

/** `ok` ✅, `warn` ⚠️ (works, but look at it), `fail` ❌ (must be fixed). */
export type CheckStatus = 'ok' | 'warn' | 'fail';

/** The result of one check. */
export interface CheckResult {
  /** Short name of what was checked, e.g. `Node version` or `telegram credentials`. */
  name: string;
  status: CheckStatus;
  /** What the check found. */
  message: string;
  /** What to run or change; absent when nothing needs doing. */
  fix?: string;
}

/** A passing result. */
export function ok(name: string, message: string): CheckResult {
  return { name, status: 'ok', message };
}

/** A warning with its fix. */
export function warn(name: string, message: string, fix?: string): CheckResult {
  return { name, status: 'warn', message, ...(fix ? { fix } : {}) };
}

/** A failure with its fix. */
export function fail(name: string, message: string, fix?: string): CheckResult {
  return { name, status: 'fail', message, ...(fix ? { fix } : {}) };
}
