/**
 * The one seam through which `/update` and `hermes update` run other programs
 * (git, npm): tests replace it to record or fake the calls.
 */
import { execFile } from 'node:child_process';

/** How a program ended. `code` is 0 on success; 127 when the program was not found. */
export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `file` with `args` in `cwd` and resolves with how it ended (never rejects). */
export type RunProcess = (
  file: string,
  args: readonly string[],
  options: { cwd: string },
) => Promise<ProcessResult>;

/**
 * Runs a program with `execFile` (no shell). Git never prompts for credentials.
 *
 * @example
 * const { code, stdout } = await runProcess('git', ['rev-parse', 'HEAD'], { cwd: root });
 */
export const runProcess: RunProcess = (file, args, { cwd }) =>
  new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
      (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, stdout, stderr });
        const raw = (error as NodeJS.ErrnoException).code;
        const code = typeof raw === 'number' ? raw : raw === 'ENOENT' ? 127 : 1;
        resolve({ code, stdout, stderr: stderr || error.message });
      },
    );
  });

/** The last non-empty lines of a program's error output, for a one-line explanation. */
export function lastLines(text: string, count = 2): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-count)
    .join(' / ');
}
