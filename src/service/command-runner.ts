/**
 * The one seam through which service control reaches the operating system:
 * every `systemctl`, `launchctl`, `getent` and `ps` call goes through a
 * `CommandRunner`, so a test replaces it with a recording fake.
 */
import { execFile } from 'node:child_process';
import { ServiceError } from './service-error.ts';

/** What a finished command produced. */
export interface CommandResult {
  /** Exit code (0 is success). */
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command` with `args` (no shell) and resolves with its exit code and output;
 * a non-zero exit resolves too. Rejects with `GATEWAY_ERR_SERVICE` when the
 * command does not exist.
 */
export type CommandRunner = (command: string, args: readonly string[]) => Promise<CommandResult>;

/** Why a missing command matters, and what to do instead. */
const MISSING_FIX: Record<string, string> = {
  systemctl:
    'this system does not run systemd: run "hermes gateway" under the supervisor you have (a container restart policy, runit, s6, supervisord)',
  launchctl:
    'launchctl is part of macOS: run the service commands on macOS, or "hermes gateway" in the foreground',
};

/** The real runner: `execFile` without a shell, output as UTF-8. */
export const runCommand: CommandRunner = (command, args) =>
  new Promise((done, fail) => {
    execFile(
      command,
      [...args],
      { encoding: 'utf8', maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          fail(
            new ServiceError(
              `${command} was not found on PATH`,
              MISSING_FIX[command] ?? `install ${command}, or put it on PATH`,
              { command },
              { cause: error },
            ),
          );
          return;
        }
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });

/**
 * Runs a command that must succeed.
 *
 * @throws ServiceError naming the command line, its exit code and output, and `fix`.
 */
export async function runOrFail(
  run: CommandRunner,
  command: string,
  args: readonly string[],
  fix: string,
): Promise<CommandResult> {
  const result = await run(command, args);
  if (result.code !== 0) {
    const said = (result.stderr || result.stdout).trim();
    throw new ServiceError(
      `"${[command, ...args].join(' ')}" failed with exit code ${result.code}${said ? `: ${said}` : ''}`,
      fix,
      { command, args: [...args], exitCode: result.code },
    );
  }
  return result;
}
