import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTerminalTool } from '../../src/agent/tools/terminal.ts';
import { createPidTracker, isProcessGone, waitFor } from './process-state.ts';

const ctx = (signal = new AbortController().signal) => ({ signal, sessionKey: 'test:dm:1' });

describe('terminal tool', () => {
  const dirs: string[] = [];
  const pids = createPidTracker();
  afterEach(() => {
    pids.killLeftovers();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('returns the output of a successful command', async () => {
    const output = await createTerminalTool().execute({ command: 'echo hi' }, ctx());
    expect(output).toBe('hi\n');
  });

  it('interleaves stdout and stderr and reports a non-zero exit code', async () => {
    const output = await createTerminalTool().execute(
      { command: 'echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three; exit 3' },
      ctx(),
    );
    expect(output).toBe('one\ntwo\nthree\n[exit code 3]');
  });

  it('runs in the configured working directory', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'terminal-cwd-')));
    dirs.push(dir);
    const output = await createTerminalTool({ cwd: dir }).execute({ command: 'pwd' }, ctx());
    expect(output).toBe(`${dir}\n`);
  });

  it('stops a command at its timeout and returns the output so far', async () => {
    const output = await createTerminalTool().execute(
      { command: 'echo started; sleep 30; echo never', timeout: 0.5 },
      ctx(),
    );
    expect(output).toBe('started\n[Command timed out after 0.5s]');
  });

  it('kills the whole process group on abort and says the command was interrupted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'terminal-abort-'));
    dirs.push(dir);
    const pidFile = join(dir, 'pids');
    const controller = new AbortController();
    // Writes the shell's pid and the pid of a background grandchild, then waits for it.
    const pending = createTerminalTool().execute(
      { command: `echo before; echo $$ > ${pidFile}; sleep 60 & echo $! >> ${pidFile}; wait` },
      ctx(controller.signal),
    );
    const readPids = () => (existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim().split('\n') : []);
    await waitFor(() => readPids().length === 2);
    const started = readPids().map(Number);
    pids.track(...started);

    controller.abort();
    const output = await pending;

    expect(output).toBe('before\n[Command interrupted]');
    for (const pid of started) await waitFor(() => isProcessGone(pid));
  });

  it('keeps the tail of long output with a note', async () => {
    const output = await createTerminalTool({ maxOutputChars: 100 }).execute(
      { command: 'seq 1 2000' },
      ctx(),
    );
    expect(output).toMatch(/^\[output truncated: the first \d+ of \d+ characters are omitted\]\n/);
    expect(output.endsWith('1999\n2000\n')).toBe(true);
    expect(output.split('\n').slice(1).join('\n').length).toBe(100);
  });

  it('answers a missing command with an error the model can read', async () => {
    const output = await createTerminalTool().execute({}, ctx());
    expect(output).toMatch(/^Error: terminal needs a non-empty "command"/);
  });
});
