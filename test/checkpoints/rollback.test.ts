/**
 * File-system checkpoints end to end: a turn whose terminal command changes
 * files takes a checkpoint, `/rollback` lists it, asks before restoring and
 * restores on a confirmation naming the checkpoint, without touching the
 * user's own `.git`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Agent, Tool } from '../../src/agent/agent.ts';
import { createTerminalTool } from '../../src/agent/tools/terminal.ts';
import type { CheckpointStore } from '../../src/checkpoints/checkpoint-store.ts';
import {
  CheckpointTurns,
  withCheckpoint,
  withTurnSummaries,
} from '../../src/checkpoints/checkpointing-tool.ts';
import { type Fake, fakeServices, NOW, say } from '../commands/fake-services.ts';
import { describeWithGit, openStore, workDirWith } from './git-fixture.ts';

/** Every file under `dir` with the hash of its content. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string, rel: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(full).isDirectory()) walk(full, r);
      else out[r] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(dir, '');
  return out;
}

/** An agent that runs each of `commands` with the terminal tool, in one turn. */
function agentRunning(terminal: Tool, turns: CheckpointTurns, commands: string[]): Agent {
  return withTurnSummaries(
    {
      name: 'scripted',
      async run(request) {
        let text = '';
        for (const command of commands) {
          text += await terminal.execute(
            { command },
            { signal: request.signal, sessionKey: request.sessionKey },
          );
        }
        return { text, usage: { inputTokens: 0, outputTokens: 0 }, messages: [] };
      },
    },
    turns,
  );
}

async function turn(agent: Agent, userText: string): Promise<void> {
  await agent.run({
    sessionKey: 'telegram:dm:42',
    messages: [{ role: 'user', content: userText }],
    signal: new AbortController().signal,
    onEvent: () => {},
  });
}

async function withStore(store: CheckpointStore, config = {}): Promise<Fake> {
  const fake = await fakeServices({ config });
  return { ...fake, services: { ...fake.services, checkpoints: store } };
}

/** A working directory with two files and the user's own git repository. */
function userProject(): string {
  const dir = workDirWith({ 'a.txt': 'one\n', 'b.txt': 'keep\n' });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=U', '-c', 'user.email=u@example.com', ...args], {
      cwd: dir,
      stdio: 'ignore',
    });
  git('init', '--quiet');
  git('add', '-A');
  git('commit', '--quiet', '-m', 'user commit');
  return dir;
}

describeWithGit('/rollback', () => {
  it('checkpoints a turn that changes files, lists it, asks, and restores on confirmation', async () => {
    const dir = userProject();
    const userGit = fingerprint(join(dir, '.git'));
    const store = await openStore(dir, {}, { now: () => NOW - 5 * 60_000 });
    expect(store.enabled).toBe(true);
    const turns = new CheckpointTurns();
    const terminal = withCheckpoint(createTerminalTool({ cwd: dir }), store, turns);

    await turn(
      agentRunning(terminal, turns, [
        'echo changed > a.txt && echo new > c.txt && rm b.txt',
        'echo more >> c.txt',
      ]),
      'Tidy up the notes folder',
    );
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('changed\n');
    expect(existsSync(join(dir, 'b.txt'))).toBe(false);

    // one checkpoint for the turn, with the state before its first command
    const fake = await withStore(store);
    const list = await say(fake, '/rollback');
    expect(list).toContain('1. 5 min ago — Tidy up the notes folder (3 files changed since)');
    expect(list).not.toContain('2.');

    const ask = (await say(fake, '/rollback 1')) ?? '';
    expect(ask).toContain('a.txt — restored');
    expect(ask).toContain('b.txt — brought back');
    expect(ask).toContain('c.txt — removed');
    const id = /\/rollback 1 confirm ([0-9a-f]{8})/.exec(ask)?.[1];
    expect(id).toBeDefined();
    // asking changed nothing
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('changed\n');

    // a confirmation without the checkpoint's id, or with another one, restores nothing
    expect(await say(fake, '/rollback 1 confirm')).toContain('Not restored');
    expect(await say(fake, '/rollback 1 confirm 00000000')).toContain('Not restored');
    expect(existsSync(join(dir, 'c.txt'))).toBe(true);

    expect(await say(fake, `/rollback 1 confirm ${id}`)).toContain('Rolled back');
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('one\n');
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('keep\n');
    expect(existsSync(join(dir, 'c.txt'))).toBe(false);
    expect(fingerprint(join(dir, '.git'))).toEqual(userGit);

    // the state before the rollback became checkpoint 1: the rollback can be undone
    const after = (await say(fake, '/rollback')) ?? '';
    expect(after).toContain('1. 5 min ago — Before rolling back to');
    expect(after).toContain('2. 5 min ago — Tidy up the notes folder (no files changed since)');
    const undoId = /confirm ([0-9a-f]{8})/.exec((await say(fake, '/rollback 1')) ?? '')?.[1];
    expect(await say(fake, `/rollback 1 confirm ${undoId}`)).toContain('Rolled back');
    expect(readFileSync(join(dir, 'c.txt'), 'utf8')).toBe('new\nmore\n');
    expect(existsSync(join(dir, 'b.txt'))).toBe(false);
    expect(fingerprint(join(dir, '.git'))).toEqual(userGit);
  });

  it('takes no new checkpoint when nothing changed since the last one', async () => {
    const dir = workDirWith({ 'a.txt': 'one\n' });
    const store = await openStore(dir);
    const turns = new CheckpointTurns();
    const terminal = withCheckpoint(createTerminalTool({ cwd: dir }), store, turns);
    await turn(agentRunning(terminal, turns, ['echo two > a.txt']), 'first');
    await turn(agentRunning(terminal, turns, ['echo three > a.txt']), 'second');
    await turn(agentRunning(terminal, turns, ['cat a.txt']), 'third');
    await turn(agentRunning(terminal, turns, ['cat a.txt']), 'fourth');
    expect((await store.list()).map((c) => c.summary)).toEqual(['third', 'second', 'first']);
  });

  it('keeps at most max_count checkpoints and drops those older than max_age_days', async () => {
    const dir = workDirWith({ 'n.txt': '0' });
    let now = NOW;
    const store = await openStore(dir, { max_count: 3, max_age_days: 30 }, { now: () => now });
    for (let i = 1; i <= 5; i++) {
      await store.take('telegram:dm:42', `step ${i}`);
      execFileSync('sh', ['-c', `echo ${i} > n.txt`], { cwd: dir });
    }
    expect((await store.list()).map((c) => c.summary)).toEqual(['step 5', 'step 4', 'step 3']);
    const objects = execFileSync('git', [`--git-dir=${store.shadowDir}`, 'rev-list', '--all'], {
      encoding: 'utf8',
    });
    expect(objects.trim().split('\n')).toHaveLength(3);

    now += 31 * 86_400_000;
    await store.take('telegram:dm:42', 'a month later');
    expect((await store.list()).map((c) => c.summary)).toEqual(['a month later']);
  });

  it('is admin-only by default and refused while the agent works', async () => {
    const store = await openStore(workDirWith({ 'a.txt': 'x' }));
    const config = { gateway: { platforms: { telegram: { extra: { allow_admin_from: '1' } } } } };
    const fake = await withStore(store, config);
    expect(await say(fake, '/rollback')).toContain('admin-only');
    expect(await say(fake, '/rollback', { message: { userId: '1' } })).toContain('No checkpoints of');
    expect(await say(fake, '/rollback', { message: { userId: '1' }, busy: true })).toContain(
      "can't run while",
    );
  });
});

describeWithGit('/rollback when checkpoints are off', () => {
  it('says git is missing, and commands still run without a checkpoint', async () => {
    const dir = workDirWith({ 'a.txt': 'one\n' });
    const store = await openStore(dir, {}, { gitPath: join(dir, 'no-such-git') });
    expect(store.enabled).toBe(false);
    const fake = await withStore(store);
    expect(await say(fake, '/rollback')).toContain('git is not installed');
    expect(await say(fake, '/rollback 1')).toContain('git is not installed');

    const turns = new CheckpointTurns();
    const terminal = withCheckpoint(createTerminalTool({ cwd: dir }), store, turns);
    await turn(agentRunning(terminal, turns, ['echo two > a.txt']), 'change it');
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('two\n');
    expect(existsSync(store.shadowDir)).toBe(false);
  });

  it('says how to turn them on when checkpoints.enabled is false', async () => {
    const store = await openStore(workDirWith({ 'a.txt': 'one\n' }), { enabled: false });
    expect(await say(await withStore(store), '/rollback')).toContain('checkpoints.enabled: false');
  });
});
