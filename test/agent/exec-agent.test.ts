import { afterEach, describe, expect, it } from 'vitest';
import type { AgentEvent, AgentResult } from '../../src/agent/agent.ts';
import { createExecAgent, type ExecAgentOptions } from '../../src/agent/exec-agent.ts';
import { AbortedError, AgentError } from '../../src/errors.ts';
import { createPidTracker, isProcessGone, waitFor } from './process-state.ts';

function start(options: ExecAgentOptions, prompt = 'hello agent') {
  const controller = new AbortController();
  const events: AgentEvent[] = [];
  const result: Promise<AgentResult> = createExecAgent(options).run({
    sessionKey: 'telegram:dm:42',
    messages: [
      { role: 'user', content: 'an older message' },
      { role: 'assistant', content: 'an older answer' },
      { role: 'user', content: prompt },
    ],
    signal: controller.signal,
    onEvent: (event) => events.push(event),
  });
  const streamed = () =>
    events
      .filter((e) => e.type === 'text.delta')
      .map((e) => e.text)
      .join('');
  return { result, events, streamed, abort: () => controller.abort() };
}

describe('exec agent', () => {
  const pids = createPidTracker();
  afterEach(() => pids.killLeftovers());

  it('writes the last user message to stdin and answers with stdout, streamed', async () => {
    const run = start({ command: 'cat' }, 'what is 6 × 7?\nsecond line');
    const answer = await run.result;
    expect(answer.text).toBe('what is 6 × 7?\nsecond line');
    expect(run.streamed()).toBe('what is 6 × 7?\nsecond line');
    expect(answer.messages).toEqual([{ role: 'assistant', content: 'what is 6 × 7?\nsecond line' }]);
  });

  it('passes the session key and extra environment, and trims the trailing newline', async () => {
    const run = start({ command: 'echo "$HERMES_SESSION_KEY $GREETING"', env: { GREETING: 'bonjour' } });
    const answer = await run.result;
    expect(answer.text).toBe('telegram:dm:42 bonjour');
    expect(run.streamed()).toBe('telegram:dm:42 bonjour\n');
  });

  it('rejects with AgentError carrying the exit code and the end of stderr on a non-zero exit', async () => {
    const run = start({ command: 'cat >/dev/null; echo "model overloaded" >&2; exit 7' });
    const error = await run.result.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).message).toContain('exited with code 7');
    expect((error as AgentError).message).toContain('model overloaded');
    expect((error as AgentError).details).toMatchObject({ exitCode: 7, stderr: 'model overloaded' });
  });

  it('on abort kills the whole process group, grandchildren included', async () => {
    // A nested shell starts a background sleep (a grandchild) and prints its pid.
    const run = start({ command: `sh -c 'sleep 60 & echo $!; wait'; echo done` });
    await waitFor(() => run.streamed().includes('\n'));
    const grandchild = Number(run.streamed().trim());
    pids.track(grandchild);
    expect(isProcessGone(grandchild)).toBe(false);

    run.abort();

    await expect(run.result).rejects.toBeInstanceOf(AbortedError);
    await waitFor(() => isProcessGone(grandchild));
    expect(run.streamed()).not.toContain('done');
  });

  it('SIGKILLs a command that traps SIGTERM one second later', async () => {
    const run = start({
      command: `trap 'echo caught TERM' TERM; echo $$; while true; do sleep 0.05; done`,
    });
    await waitFor(() => run.streamed().includes('\n'));
    const shell = Number(run.streamed().trim());
    pids.track(shell);

    run.abort();

    await expect(run.result).rejects.toBeInstanceOf(AbortedError);
    // SIGTERM arrived first (the trap ran), and the shell still ended.
    expect(run.streamed()).toContain('caught TERM');
    await waitFor(() => isProcessGone(shell));
  });

  it('stops a command at its timeout with AbortedError', async () => {
    const run = start({ command: 'echo $$; sleep 60', timeoutMs: 300 });
    const error = await run.result.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as Error).message).toContain('timed out');
    await waitFor(() => isProcessGone(Number(run.streamed().trim())));
  });

  it('rejects with AgentError when the working directory does not exist', async () => {
    const run = start({ command: 'cat', cwd: '/nonexistent/agent-dir' });
    await expect(run.result).rejects.toThrow(/Could not start the agent command in \/nonexistent\/agent-dir/);
  });
});
