/**
 * Runs a shell command in its own process group and stops the whole group.
 *
 * Every command the agent starts (a command-line agent backend, a terminal tool
 * call) runs through `/bin/sh -c` as the leader of a new process group, so that
 * stopping it reaches everything it started: pipelines, background jobs and
 * grandchildren. Stopping sends SIGTERM to the group, then SIGKILL to the group
 * one second later for anything that ignored it.
 */

import { type ChildProcess, spawn } from 'node:child_process';

/** How long a stopped process group gets between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 1000;

/**
 * How long to wait for the output pipes to close once the group leader has
 * exited. A background job that inherited the pipes can keep them open; its
 * later output is not waited for.
 */
const OUTPUT_DRAIN_MS = 250;

/** What to run and how. */
export interface ProcessGroupOptions {
  /** The command line, run as `/bin/sh -c <command>`. */
  command: string;
  /** Working directory; the current one when absent. */
  cwd?: string;
  /** The full environment of the command; the gateway's own environment when absent. */
  env?: NodeJS.ProcessEnv;
  /** Text written to the command's standard input, which is then closed. Without it stdin is empty. */
  stdin?: string;
  /** Receives standard output as UTF-8 text while it arrives. */
  onStdout?: (text: string) => void;
  /** Receives standard error as UTF-8 text while it arrives. */
  onStderr?: (text: string) => void;
  /** Stops the group when it aborts. */
  signal?: AbortSignal;
  /** Stops the group after this many milliseconds. */
  timeoutMs?: number;
}

/** Why a group was stopped by us, or `null` when it exited on its own. */
export type StopReason = 'aborted' | 'timeout' | null;

/** How a process group ended. */
export interface ProcessGroupExit {
  /** Exit code of the group leader, `null` when it died from a signal. */
  code: number | null;
  /** The signal that ended the group leader, if any. */
  signal: NodeJS.Signals | null;
  /** Set when the group was stopped by abort or timeout rather than exiting on its own. */
  stopped: StopReason;
}

/** A running process group. */
export interface RunningProcessGroup {
  /** Process id of the group leader, which is also the process group id. Undefined if spawning failed. */
  readonly pid: number | undefined;
  /**
   * Resolves when the group leader has exited and its output has been read.
   * Rejects only when the command could not be started (for example a missing `cwd`).
   */
  readonly done: Promise<ProcessGroupExit>;
  /** Stops the group (SIGTERM, then SIGKILL after {@link KILL_GRACE_MS}); resolves like `done`. */
  stop(reason?: Exclude<StopReason, null>): Promise<ProcessGroupExit>;
}

/**
 * Sends a signal to every process of a process group. Returns false when the
 * group no longer exists.
 *
 * @example
 * signalProcessGroup(child.pid, 'SIGTERM');
 */
export function signalProcessGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/**
 * Starts `/bin/sh -c command` as the leader of a new process group.
 *
 * The group is stopped when `signal` aborts or `timeoutMs` passes: SIGTERM to
 * the whole group, SIGKILL to the whole group one second later.
 *
 * @example
 * const group = runInProcessGroup({ command: 'make test', signal, onStdout: (t) => process.stdout.write(t) });
 * const { code, stopped } = await group.done;
 */
export function runInProcessGroup(options: ProcessGroupOptions): RunningProcessGroup {
  const { signal } = options;
  if (signal?.aborted) {
    const exit: ProcessGroupExit = { code: null, signal: null, stopped: 'aborted' };
    return { pid: undefined, done: Promise.resolve(exit), stop: () => Promise.resolve(exit) };
  }

  const child: ChildProcess = spawn('/bin/sh', ['-c', options.command], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });

  let stopped: StopReason = null;
  let settled = false;
  let leaderExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let drainTimer: NodeJS.Timeout | undefined;
  let timeoutTimer: NodeJS.Timeout | undefined;

  let resolve: (exit: ProcessGroupExit) => void = () => {};
  let reject: (err: unknown) => void = () => {};
  const done = new Promise<ProcessGroupExit>((res, rej) => {
    resolve = res;
    reject = rej;
  });

  const cleanup = (): void => {
    settled = true;
    clearTimeout(drainTimer);
    clearTimeout(timeoutTimer);
    signal?.removeEventListener('abort', onAbort);
  };

  const finish = (): void => {
    if (settled || !leaderExit) return;
    cleanup();
    child.stdout?.destroy();
    child.stderr?.destroy();
    resolve({ ...leaderExit, stopped });
  };

  const stop = (reason: Exclude<StopReason, null> = 'aborted'): Promise<ProcessGroupExit> => {
    const pid = child.pid;
    if (settled || stopped !== null || pid === undefined) return done;
    stopped = reason;
    signalProcessGroup(pid, 'SIGTERM');
    // Not cleared when the leader exits: a member that ignored SIGTERM must still go.
    setTimeout(() => signalProcessGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
    return done;
  };

  function onAbort(): void {
    void stop('aborted');
  }

  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (text: string) => options.onStdout?.(text));
  child.stderr?.on('data', (text: string) => options.onStderr?.(text));
  if (child.stdin) {
    // A command that does not read its input closes the pipe early; that is not an error.
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin);
  }

  child.on('error', (err) => {
    if (settled || child.pid !== undefined) return;
    cleanup();
    reject(err);
  });
  child.on('exit', (code, sig) => {
    leaderExit = { code, signal: sig };
    drainTimer = setTimeout(finish, OUTPUT_DRAIN_MS);
  });
  child.on('close', (code, sig) => {
    leaderExit ??= { code, signal: sig };
    finish();
  });

  signal?.addEventListener('abort', onAbort, { once: true });
  if (options.timeoutMs !== undefined) {
    timeoutTimer = setTimeout(() => void stop('timeout'), options.timeoutMs);
  }

  return { pid: child.pid, done, stop };
}
