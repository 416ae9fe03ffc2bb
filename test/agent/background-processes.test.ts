/**
 * Background processes: `terminal(background=true)` starts a command detached
 * from the run, its chat hears about it as the notification mode says, the
 * `process` tool checks on it, and closing the tool ends it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ToolContext } from '../../src/agent/agent.ts';
import {
  type BackgroundNotificationMode,
  BackgroundProcesses,
} from '../../src/agent/tools/background-processes.ts';
import { createProcessTool } from '../../src/agent/tools/process.ts';
import { createTerminalTool } from '../../src/agent/tools/terminal.ts';
import { createPidTracker, isProcessGone, waitFor } from './process-state.ts';

const FAILING = "sh -c 'echo a; sleep 0.3; echo b; exit 3'";
const SUCCEEDING = "sh -c 'echo a; sleep 0.3; echo b'";

interface Notice {
  text: string;
  key: string | undefined;
}

const pids = createPidTracker();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  pids.killLeftovers();
});

/** A terminal and a process tool over one registry, and the notifications sent to the chat. */
function setup(mode: BackgroundNotificationMode) {
  const registry = new BackgroundProcesses({ mode, updateIntervalMs: 50 });
  const terminal = createTerminalTool({ background: registry });
  const processTool = createProcessTool(registry);
  closers.push(async () => terminal.close?.());
  const notices: Notice[] = [];
  const ctx = (sessionKey = 'test:dm:1', signal = new AbortController().signal): ToolContext => ({
    signal,
    sessionKey,
    notify: (text, key) => notices.push({ text, key }),
  });
  /** Starts a background command and returns its id and pid. */
  const start = async (command: string, context = ctx()) => {
    const output = await terminal.execute({ command, background: true }, context);
    const match = /^Started background process (bg\d+) \(pid (\d+)\): (.*)$/s.exec(output);
    if (!match) throw new Error(`unexpected tool output: ${output}`);
    const pid = Number(match[2]);
    pids.track(pid);
    return { id: match[1] as string, pid, command: match[3] };
  };
  /** Waits until the session's process is no longer running. */
  const ended = (id: string, sessionKey = 'test:dm:1') =>
    waitFor(() => registry.get(sessionKey, id)?.status !== 'running');
  return { registry, terminal, processTool, notices, ctx, start, ended };
}

describe('background processes: notifications', () => {
  it('all: output updates, then the final message with the tail and the exit code', async () => {
    const { notices, start } = setup('all');
    const { id, command } = await start(FAILING);
    expect(command).toBe(FAILING);
    await waitFor(() => notices.some((n) => n.text.startsWith('❌')));

    const final = notices.at(-1);
    expect(final?.text).toBe(`❌ Background process ${id} failed (exit 3): ${FAILING}\n\`\`\`\na\nb\n\`\`\``);
    const updates = notices.slice(0, -1);
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates[0]?.text).toBe(`⚙️ ${id} output:\n\`\`\`\na\n\`\`\``);
    for (const update of updates) expect(update.text).toMatch(/^⚙️ bg1 output:\n```\n(a|b)\n```$/);
    // every notification is named uniquely, in order
    const keys = notices.map((n) => n.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.map((k) => k?.split(':').at(-1))).toEqual(keys.map((_, i) => String(i + 1)));
  });

  it('result: only the final message, for success and for failure', async () => {
    const { notices, start, ended } = setup('result');
    const ok = await start(SUCCEEDING);
    await ended(ok.id);
    const failed = await start(FAILING);
    await ended(failed.id);
    await waitFor(() => notices.length === 2);
    expect(notices.map((n) => n.text)).toEqual([
      `✅ Background process ${ok.id} finished (exit 0): ${SUCCEEDING}\n\`\`\`\na\nb\n\`\`\``,
      `❌ Background process ${failed.id} failed (exit 3): ${FAILING}\n\`\`\`\na\nb\n\`\`\``,
    ]);
  });

  it('error: nothing for a success, the ❌ message for a non-zero exit', async () => {
    const { notices, start, ended } = setup('error');
    const ok = await start(SUCCEEDING);
    await ended(ok.id);
    const failed = await start(FAILING);
    await ended(failed.id);
    await waitFor(() => notices.length > 0);
    expect(notices.map((n) => n.text)).toEqual([
      `❌ Background process ${failed.id} failed (exit 3): ${FAILING}\n\`\`\`\na\nb\n\`\`\``,
    ]);
  });

  it('off: nothing at all', async () => {
    const { notices, start, ended, registry } = setup('off');
    const failed = await start(FAILING);
    await ended(failed.id);
    expect(registry.get('test:dm:1', failed.id)).toMatchObject({ status: 'exited', exitCode: 3 });
    expect(notices).toEqual([]);
  });

  it('keeps the last 20 lines of long output in a message', async () => {
    const { notices, start } = setup('result');
    await start('seq 1 100');
    await waitFor(() => notices.length === 1);
    const lines = notices[0]?.text.split('\n') ?? [];
    expect(lines.slice(2, -1)).toEqual(Array.from({ length: 20 }, (_, i) => String(81 + i)));
  });
});

describe('background processes: lifetime', () => {
  it('an interrupt of the run leaves the background process running', async () => {
    const { notices, start, ctx } = setup('result');
    const controller = new AbortController();
    const { id, pid } = await start('sleep 0.5; echo still here', ctx('test:dm:1', controller.signal));
    controller.abort();
    expect(isProcessGone(pid)).toBe(false);
    await waitFor(() => notices.length === 1);
    expect(notices[0]?.text).toBe(
      `✅ Background process ${id} finished (exit 0): sleep 0.5; echo still here\n\`\`\`\nstill here\n\`\`\``,
    );
  });

  it('closing the terminal tool (the gateway stops) kills the whole group, without a notification', async () => {
    const { notices, start, terminal } = setup('all');
    const { pid } = await start('sleep 60 & sleep 60; wait');
    expect(isProcessGone(pid)).toBe(false);
    await terminal.close?.();
    await waitFor(() => isProcessGone(pid));
    expect(notices).toEqual([]);
  });

  it('refuses background=true without a registry', async () => {
    const output = await createTerminalTool().execute(
      { command: 'sleep 1', background: true },
      { signal: new AbortController().signal, sessionKey: 's' },
    );
    expect(output).toBe('Error: background commands are not available here.');
  });
});

describe('the process tool', () => {
  it('lists, reads and kills the processes of its session only', async () => {
    const { notices, start, ctx, processTool, ended, registry } = setup('result');
    const done = await start('echo first; exit 0');
    await ended(done.id);
    const long = await start('echo serving; sleep 60');
    await waitFor(() => notices.length === 1 && registry.get('test:dm:1', long.id)?.output === 'serving\n');

    const list = await processTool.execute({ action: 'list' }, ctx());
    expect(list.split('\n')).toEqual([
      `${done.id} (pid ${done.pid}) exited with code 0: echo first; exit 0`,
      expect.stringMatching(
        new RegExp(`^${long.id} \\(pid ${long.pid}\\) running for \\d+s: echo serving; sleep 60$`),
      ),
    ]);
    expect(await processTool.execute({ action: 'list' }, ctx('other:dm:2'))).toBe('No background processes.');
    expect(await processTool.execute({ action: 'output', id: long.id }, ctx('other:dm:2'))).toMatch(
      /^Error: no background process bg2/,
    );

    const output = await processTool.execute({ action: 'output', id: done.id }, ctx());
    expect(output).toBe(`${done.id} (pid ${done.pid}) exited with code 0: echo first; exit 0\nfirst\n`);

    const killed = await processTool.execute({ action: 'kill', id: long.id }, ctx());
    expect(killed).toMatch(new RegExp(`^Killed\\. ${long.id} \\(pid ${long.pid}\\) killed`));
    await waitFor(() => isProcessGone(long.pid));
    expect(notices.at(-1)?.text).toBe(
      `⏹️ Background process ${long.id} was stopped: echo serving; sleep 60\n\`\`\`\nserving\n\`\`\``,
    );
    expect(await processTool.execute({ action: 'kill', id: long.id }, ctx())).toMatch(
      /\(it was not running\)$/,
    );
    expect(await processTool.execute({ action: 'output' }, ctx())).toBe(
      'Error: "output" needs the process "id".',
    );
  });
});
