/**
 * A process seam that runs git for real (in the temp checkouts) and records the
 * other programs (npm) instead of running them, and a restart seam that
 * records the restart.
 */
import type { RunProcess } from '../../src/update/run-process.ts';
import { runProcess } from '../../src/update/run-process.ts';

/** The seam and what it saw. */
export interface RecordedProcess {
  run: RunProcess;
  /** Every call, as `file args...` with its folder. */
  calls: { command: string; cwd: string }[];
  /** The restart seam: records `restart` in `restarts`. */
  restart: () => Promise<void>;
  restarts: string[];
}

/** Git runs for real; everything else is recorded and answers `code` (0 by default). */
export function recordedProcess(code = 0): RecordedProcess {
  const calls: RecordedProcess['calls'] = [];
  const run: RunProcess = async (file, args, options) => {
    calls.push({ command: [file, ...args].join(' '), cwd: options.cwd });
    if (file === 'git') return runProcess(file, args, options);
    return { code, stdout: '', stderr: code === 0 ? '' : 'npm ERR! code EACCES' };
  };
  const restarts: string[] = [];
  const restart = async () => {
    restarts.push('restart');
  };
  return { run, calls, restart, restarts };
}
