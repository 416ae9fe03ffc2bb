/**
 * Session reset policies: when a chat's conversation starts fresh by itself.
 * `daily` resets at `atHour` (local time of the gateway), `idle` after
 * `idleMinutes` without activity, `both` at whichever comes first, `none` never.
 */

/** A reset policy. */
export interface ResetPolicy {
  mode: 'daily' | 'idle' | 'both' | 'none';
  /** Hour of the day (0–23, local time) of the daily reset. */
  atHour: number;
  /** Minutes without activity before the idle reset. */
  idleMinutes: number;
}

/** The defaults of FEATURES §4: both, 4:00, 1440 minutes. */
export const DEFAULT_RESET_POLICY: ResetPolicy = { mode: 'both', atHour: 4, idleMinutes: 1440 };

/** A partial policy as written in config.yaml or gateway.json (snake_case keys). */
export interface ResetPolicyInput {
  mode?: ResetPolicy['mode'];
  at_hour?: number;
  idle_minutes?: number;
}

/** Applies partial overrides in order (later ones win). */
export function mergeResetPolicy(
  base: ResetPolicy,
  ...overrides: (ResetPolicyInput | undefined)[]
): ResetPolicy {
  let policy = base;
  for (const o of overrides) {
    if (!o) continue;
    policy = {
      mode: o.mode ?? policy.mode,
      atHour: o.at_hour ?? policy.atHour,
      idleMinutes: o.idle_minutes ?? policy.idleMinutes,
    };
  }
  return policy;
}

/** The next local `atHour`:00 strictly after `now`. */
export function nextDailyReset(now: number, atHour: number): number {
  const at = new Date(now);
  at.setHours(atHour, 0, 0, 0);
  if (at.getTime() <= now) at.setDate(at.getDate() + 1);
  return at.getTime();
}

/**
 * When a session that was last active at `now` resets under `policy`, and why;
 * undefined when it never does.
 *
 * @example
 * nextReset({ mode: 'idle', atHour: 4, idleMinutes: 240 }, now) // { at: now + 4 h, reason: 'idle' }
 */
export function nextReset(
  policy: ResetPolicy,
  now: number,
): { at: number; reason: 'idle' | 'daily' } | undefined {
  const idle = { at: now + policy.idleMinutes * 60_000, reason: 'idle' as const };
  const daily = { at: nextDailyReset(now, policy.atHour), reason: 'daily' as const };
  switch (policy.mode) {
    case 'none':
      return undefined;
    case 'idle':
      return idle;
    case 'daily':
      return daily;
    case 'both':
      return idle.at <= daily.at ? idle : daily;
  }
}
