/**
 * The `terminal` tool: runs one shell command for the agent and gives back its
 * output. The command runs in its own process group, so an interrupt or a
 * timeout stops everything it started. With `background: true` the command is
 * started detached from the run instead (see `background-processes.ts`).
 */

import type { Tool, ToolContext } from '../agent.ts';
import { runInProcessGroup } from '../process-group.ts';
import type { BackgroundProcesses } from './background-processes.ts';
import { checkCommand } from './dangerous-commands.ts';

/** Options of the terminal tool. */
export interface TerminalToolOptions {
  /** Default time limit of one command in milliseconds (default 180 000). The model may ask for another. */
  timeoutMs?: number;
  /** Working directory of the commands; the gateway's current directory when absent. */
  cwd?: string;
  /** The most output characters given back to the model (default 50 000); the tail is kept. */
  maxOutputChars?: number;
  /**
   * The registry of background processes. With it the tool takes `background: true`
   * and closing the tool ends every background process; without it the argument is not offered.
   */
  background?: BackgroundProcesses;
}

const DEFAULT_TIMEOUT_MS = 180_000;
const DEFAULT_MAX_OUTPUT_CHARS = 50_000;

/**
 * Creates the `terminal` tool. Arguments: `{ command: string, timeout?: number,
 * background?: boolean }` (timeout in seconds). Returns stdout and stderr
 * interleaved as they arrived, followed by `[exit code N]` when the command
 * failed, `[Command interrupted]` when the run was interrupted, or
 * `[Command timed out after Ns]`. A background command returns at once with
 * `Started background process <id> (pid N): <command>`; it has no time limit
 * unless `timeout` is given, and reports to the chat through `ctx.notify`.
 *
 * @example
 * const terminal = createTerminalTool({ cwd: '/srv/project', timeoutMs: 60_000 });
 * await terminal.execute({ command: 'ls' }, { signal, sessionKey: 'telegram:dm:1' });
 */
export function createTerminalTool(options: TerminalToolOptions = {}): Tool {
  const defaultTimeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxOutputChars = options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS;
  const registry = options.background;

  return {
    name: 'terminal',
    description:
      'Run a shell command (/bin/sh) and return its combined stdout and stderr. ' +
      'Non-zero exit codes are reported. Long-running commands are stopped after the timeout.' +
      (registry
        ? ' For servers, watchers and long jobs set background=true: the command keeps running after ' +
          'your turn, the user is told about its output and its end, and the process tool checks on it.'
        : ''),
    parameters: {
      type: 'object',
      properties: {
        command: { type: 'string', description: 'The shell command to run.' },
        timeout: {
          type: 'number',
          description: `Time limit in seconds (default ${Math.round(defaultTimeoutMs / 1000)}; none for a background command).`,
        },
        ...(registry
          ? {
              background: {
                type: 'boolean',
                description: 'Start the command in the background and return at once (default false).',
              },
            }
          : {}),
      },
      required: ['command'],
      additionalProperties: false,
    },
    async execute(args: Record<string, unknown>, ctx: ToolContext): Promise<string> {
      const { command, timeout, background } = args;
      if (typeof command !== 'string' || command.trim() === '') {
        return 'Error: terminal needs a non-empty "command" string.';
      }
      if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout > 0))) {
        return 'Error: "timeout" must be a positive number of seconds.';
      }
      if (background !== undefined && typeof background !== 'boolean') {
        return 'Error: "background" must be true or false.';
      }
      if (background && !registry) return 'Error: background commands are not available here.';
      const timeoutMs = timeout === undefined ? defaultTimeoutMs : timeout * 1000;

      const verdict = checkCommand(command);
      if (verdict.dangerous) {
        if (!ctx.requestApproval) {
          return `[Command refused: it ${verdict.reason} and needs a person's approval, which cannot be asked here]`;
        }
        const approved = await ctx.requestApproval({ command, reason: verdict.reason });
        if (ctx.signal.aborted) return '[Command interrupted]';
        if (!approved) return `[Command denied: the user did not approve it (${verdict.reason})]`;
      }

      if (background && registry) {
        const { notify } = ctx;
        try {
          const started = await registry.start({
            command,
            sessionKey: ctx.sessionKey,
            ...(options.cwd ? { cwd: options.cwd } : {}),
            ...(typeof timeout === 'number' ? { timeoutMs: timeout * 1000 } : {}),
            ...(notify ? { notify: (text: string, key: string) => notify(text, key) } : {}),
          });
          return `Started background process ${started.id} (pid ${started.pid}): ${command}`;
        } catch (err) {
          const where = options.cwd ? ` in ${options.cwd}` : '';
          return `Error: could not start the background command${where}: ${(err as Error).message}`;
        }
      }

      const output = new TailBuffer(maxOutputChars);
      const group = runInProcessGroup({
        command,
        cwd: options.cwd,
        signal: ctx.signal,
        timeoutMs,
        onStdout: (text) => output.append(text),
        onStderr: (text) => output.append(text),
      });

      let exit: Awaited<typeof group.done>;
      try {
        exit = await group.done;
      } catch (err) {
        const where = options.cwd ? ` in ${options.cwd}` : '';
        return `Error: could not start the command${where}: ${(err as Error).message}`;
      }

      const text = output.text();
      const notes: string[] = [];
      if (exit.stopped === 'timeout') notes.push(`[Command timed out after ${formatSeconds(timeoutMs)}s]`);
      else if (exit.stopped === 'aborted') notes.push('[Command interrupted]');
      else if (exit.code !== null && exit.code !== 0) notes.push(`[exit code ${exit.code}]`);
      else if (exit.signal !== null) notes.push(`[terminated by ${exit.signal}]`);

      if (notes.length === 0) return text === '' ? '(no output)' : text;
      return text === '' ? notes.join('\n') : `${text}${text.endsWith('\n') ? '' : '\n'}${notes.join('\n')}`;
    },
    ...(registry ? { close: () => registry.stopAll() } : {}),
  };
}

/** Keeps the last `max` characters of a stream and counts what was dropped. */
class TailBuffer {
  readonly #max: number;
  #buffer = '';
  #total = 0;

  constructor(max: number) {
    this.#max = max;
  }

  append(text: string): void {
    this.#total += text.length;
    this.#buffer += text;
    // Trim only now and then so long outputs stay linear.
    if (this.#buffer.length > this.#max * 2) this.#buffer = this.#buffer.slice(-this.#max);
  }

  text(): string {
    if (this.#total <= this.#max) return this.#buffer;
    const omitted = this.#total - this.#max;
    return `[output truncated: the first ${omitted} of ${this.#total} characters are omitted]\n${this.#buffer.slice(-this.#max)}`;
  }
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(1);
}
