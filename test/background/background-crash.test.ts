/**
 * Background tasks survive a crash: a task whose gateway was killed with
 * SIGKILL while it ran is reported failed to its chat at the next start (its
 * tool calls may have had effects, so it is never re-run blindly); a task saved
 * but not yet started runs after the restart.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createActor } from 'xstate';
import { BACKGROUND_TASK_KIND } from '../../src/actors/background-tasks.ts';
import {
  BACKGROUND_TASK_MACHINE_VERSION,
  backgroundTaskMachine,
} from '../../src/machines/background-task.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import type { ChildMessage, ParentMessage } from '../support/child-gateway.ts';

const CHILD = resolve(import.meta.dirname, '../support/child-gateway.ts');
const NODE = resolve(import.meta.dirname, '../../node_modules/.bin/node');
const dir = mkdtempSync(join(tmpdir(), 'hermes-bg-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One gateway process; `sent` collects every message it delivered, across lives. */
function life(db: string, sent: string[]) {
  const child: ChildProcess = fork(CHILD, [], {
    execPath: NODE,
    env: { PATH: process.env.PATH ?? '', HERMES_TEST_DB: db },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = new Promise<void>((ok) =>
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'ready') ok();
      if (m.type === 'sent') sent.push(m.text);
    }),
  );
  return {
    ready,
    say: (id: string, text: string) => child.send({ type: 'say', id, text } satisfies ParentMessage),
    kill: () =>
      new Promise<void>((ok) => {
        child.once('exit', () => ok());
        child.kill('SIGKILL');
      }),
    stop: () =>
      new Promise<void>((ok) => {
        child.once('exit', () => ok());
        child.kill('SIGTERM');
      }),
  };
}

/** The committed state of every background task row. */
function taskStates(db: string): Record<string, string> {
  const conn = new Database(db, { readonly: true });
  try {
    const rows = conn
      .prepare('select actor_id, state from actors where kind = ?')
      .all(BACKGROUND_TASK_KIND) as {
      actor_id: string;
      state: string;
    }[];
    return Object.fromEntries(rows.map((r) => [r.actor_id, r.state]));
  } finally {
    conn.close();
  }
}

describe('background tasks across a kill -9', () => {
  it('a task running when the gateway is killed is reported failed after the restart, once', async () => {
    const db = join(dir, 'running.db');
    const sent: string[] = [];
    const first = life(db, sent);
    await first.ready;
    first.say('m1', '/background slow: crunch the numbers');
    await vi.waitFor(() => expect(sent.some((t) => t.startsWith('🔄 Background task started'))).toBe(true), {
      timeout: 10_000,
    });
    const taskId = sent[0]?.match(/bg_\d{6}_[0-9a-f]{6}/)?.[0] as string;
    await vi.waitFor(() => expect(taskStates(db)[taskId]).toBe('running'), { timeout: 10_000 });
    await first.kill();

    const second = life(db, sent);
    await second.ready;
    await vi.waitFor(
      () =>
        expect(sent.filter((t) => t.startsWith('❌'))).toEqual([
          `❌ Background task failed: the gateway restarted while it ran; send /background again to run it anew (${taskId})`,
        ]),
      { timeout: 10_000 },
    );
    await vi.waitFor(() => expect(taskStates(db)[taskId]).toBe('delivered'), { timeout: 10_000 });
    await second.stop();

    // a third life does not report it again
    const third = life(db, sent);
    await third.ready;
    await new Promise((r) => setTimeout(r, 500));
    await third.stop();
    expect(sent.filter((t) => t.startsWith('❌'))).toHaveLength(1);
  }, 60_000);

  it('a task saved but not yet started when the gateway died runs after the restart', async () => {
    const db = join(dir, 'pending.db');
    const store = createSqliteStore({ path: db });
    await store.migrate();
    const task = createActor(backgroundTaskMachine, {
      input: {
        taskId: 'bg_120000_abcdef',
        prompt: 'count the stars',
        origin: {
          platform: 'chat',
          chatId: 'c',
          chatType: 'dm',
          sessionKey: 'chat:dm:c',
          platformMessageId: 'm0',
        },
        at: Date.now(),
      },
    }).start();
    await store.actors.save({
      actorId: 'bg_120000_abcdef',
      kind: BACKGROUND_TASK_KIND,
      machineVersion: BACKGROUND_TASK_MACHINE_VERSION,
      state: 'pending',
      snapshot: task.getPersistedSnapshot(),
    });
    task.stop();
    await store.close();

    const sent: string[] = [];
    const next = life(db, sent);
    await next.ready;
    await vi.waitFor(
      () =>
        expect(sent).toContain('✅ Background task complete (bg_120000_abcdef)\n\nanswer: count the stars'),
      { timeout: 10_000 },
    );
    await next.stop();
  }, 30_000);
});
