/**
 * A recording stand-in for the command seam: every systemctl, launchctl, getent
 * and ps call is recorded as one line, and answered from a script (default: exit 0, no output).
 */
import type { CommandResult, CommandRunner } from '../../src/service/command-runner.ts';

/** Answers a command line (`systemctl --user show ...`), or undefined for the default. */
export type Script = (line: string) => Partial<CommandResult> | undefined;

/** The runner with what it recorded. */
export interface RecordingRunner {
  run: CommandRunner;
  /** Each call as `command arg arg...`, in order. */
  calls: string[];
}

/** A runner that records every call and answers from `script`. */
export function recordingRunner(script: Script = () => undefined): RecordingRunner {
  const calls: string[] = [];
  const run: CommandRunner = async (command, args) => {
    const line = [command, ...args].join(' ');
    calls.push(line);
    return { code: 0, stdout: '', stderr: '', ...script(line) };
  };
  return { run, calls };
}
