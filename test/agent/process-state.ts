/**
 * Test helpers that look at operating-system processes.
 */

import { readFileSync } from 'node:fs';

/**
 * True when the process no longer runs: it does not exist, or it is a zombie
 * waiting to be reaped (it has exited; in some containers nobody reaps orphans).
 */
export function isProcessGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Format: "pid (comm) state ..."; comm may contain spaces or parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** Polls `check` until it returns true; throws after `limitMs` (a safety net, not a timing assertion). */
export async function waitFor(check: () => boolean, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Remembers process ids a test saw so `killLeftovers` can end them if the test
 * failed before the code under test did.
 */
export function createPidTracker(): { track(...pids: number[]): void; killLeftovers(): void } {
  const pids = new Set<number>();
  return {
    track: (...seen) => {
      for (const pid of seen) if (Number.isInteger(pid) && pid > 0) pids.add(pid);
    },
    killLeftovers: () => {
      for (const pid of pids) {
        if (isProcessGone(pid)) continue;
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      pids.clear();
    },
  };
}
