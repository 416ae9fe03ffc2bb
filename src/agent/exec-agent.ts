/**
 * The exec backend: runs any command-line agent once per turn. The prompt goes
 * to the command's standard input; its standard output is the answer, streamed
 * back while it is written.
 */

import { AbortedError, AgentError } from '../errors.ts';
import type { Agent, AgentRequest, AgentResult } from './agent.ts';
import { textWithAttachments } from './attachment-parts.ts';
import { lastUserMessage } from './last-user-message.ts';
import { runInProcessGroup } from './process-group.ts';

/** Options of the exec backend. */
export interface ExecAgentOptions {
  /** The command line, run as `/bin/sh -c <command>`, e.g. `my-agent --once`. */
  command: string;
  /** Working directory of the command; the gateway's current directory when absent. */
  cwd?: string;
  /** Extra environment variables, added to the gateway's own environment. */
  env?: Record<string, string>;
  /** Stops the command after this many milliseconds; no limit when absent. */
  timeoutMs?: number;
}

/** How many trailing lines of standard error a failure report quotes. */
const STDERR_LINES_IN_ERROR = 20;
/** How many trailing characters of standard error are kept for that report. */
const STDERR_TAIL_CHARS = 8_000;

/**
 * Creates the exec agent. Each run starts the command in its own process
 * group, writes the last user message to its stdin and closes it (files the
 * user attached are described after the text, one line each with the path of
 * the stored copy), and sets `HERMES_SESSION_KEY` in its environment. Standard
 * output is streamed as `text.delta` events and is the answer when the command exits with 0. A
 * non-zero exit rejects with `AgentError` quoting the end of standard error;
 * an abort or the timeout stops the whole group (SIGTERM, SIGKILL one second
 * later) and rejects with `AbortedError`. Usage is reported as zero: a
 * command-line agent does not tell its token counts.
 *
 * @example
 * const agent = createExecAgent({ command: 'my-agent --stdin', timeoutMs: 600_000 });
 */
export function createExecAgent(options: ExecAgentOptions): Agent {
  return {
    name: 'exec',
    async run(request: AgentRequest): Promise<AgentResult> {
      if (request.signal.aborted) throw new AbortedError();

      let stdout = '';
      let stderrTail = '';
      const group = runInProcessGroup({
        command: options.command,
        cwd: options.cwd,
        env: { ...process.env, ...options.env, HERMES_SESSION_KEY: request.sessionKey },
        stdin: promptOf(request),
        signal: request.signal,
        timeoutMs: options.timeoutMs,
        onStdout: (text) => {
          stdout += text;
          request.onEvent({ type: 'text.delta', text });
        },
        onStderr: (text) => {
          stderrTail = (stderrTail + text).slice(-STDERR_TAIL_CHARS);
        },
      });

      let exit: Awaited<typeof group.done>;
      try {
        exit = await group.done;
      } catch (err) {
        const where = options.cwd ? ` in ${options.cwd}` : '';
        throw new AgentError(
          `Could not start the agent command${where}: ${(err as Error).message}`,
          { command: options.command, cwd: options.cwd },
          { cause: err },
        );
      }

      if (exit.stopped === 'timeout') {
        throw new AbortedError(`The agent command timed out after ${options.timeoutMs} ms`);
      }
      if (exit.stopped === 'aborted') throw new AbortedError();
      if (exit.code !== 0) {
        const how = exit.code === null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
        const stderr = lastLines(stderrTail, STDERR_LINES_IN_ERROR);
        throw new AgentError(`The agent command ${how}${stderr ? `:\n${stderr}` : ''}`, {
          command: options.command,
          exitCode: exit.code,
          signal: exit.signal,
          stderr,
        });
      }

      const text = stdout.replace(/(\r?\n)+$/, '');
      return {
        text,
        usage: { inputTokens: 0, outputTokens: 0 },
        messages: [{ role: 'assistant', content: text }],
      };
    },
  };
}

/** The prompt: the last user message, with its attachments described after it. */
function promptOf(request: AgentRequest): string {
  const last = lastUserMessage(request.messages);
  return last ? textWithAttachments(last) : '';
}

function lastLines(text: string, count: number): string {
  return text.replace(/\s+$/, '').split('\n').slice(-count).join('\n');
}
