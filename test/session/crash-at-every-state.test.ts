/**
 * Crash at every state: for each state of the session machine, a real gateway
 * process brings a session into that state and is killed with SIGKILL; a new
 * process starts on the same database, the user writes again, and nothing
 * accepted is lost and nothing is sent twice.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sessionMachine } from '../../src/machines/session.ts';
import type { ChildMessage, ParentMessage } from '../support/child-gateway.ts';
import { eventually } from '../support/gateway-process.ts';

const CHILD = resolve(import.meta.dirname, '../support/child-gateway.ts');
const NODE = resolve(import.meta.dirname, '../../node_modules/.bin/node');

/** One gateway process. */
class Life {
  readonly child: ChildProcess;
  readonly logs: string[] = [];
  ready: Promise<void>;
  #path: string | null = null;
  #waiters: ((m: ChildMessage) => void)[] = [];

  readonly db: string;

  constructor(db: string, sent: { key: string; inReplyTo: string[] }[]) {
    this.db = db;
    this.child = fork(CHILD, [], {
      execPath: NODE,
      env: { PATH: process.env.PATH ?? '', HERMES_TEST_DB: db },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.ready = new Promise((ok) => {
      this.child.on('message', (m: ChildMessage) => {
        if (m.type === 'ready') ok();
        if (m.type === 'sent') sent.push({ key: m.key, inReplyTo: m.inReplyTo });
        if (m.type === 'log') this.logs.push(m.msg);
        if (m.type === 'state') this.#path = m.path;
        for (const w of this.#waiters.splice(0)) w(m);
      });
    });
  }

  say(id: string, text: string): Promise<void> {
    return new Promise((ok) => {
      const listen = (m: ChildMessage) => {
        if (m.type === 'accepted' && m.id === id) ok();
        else this.#waiters.push(listen);
      };
      this.#waiters.push(listen);
      this.child.send({ type: 'say', id, text } satisfies ParentMessage);
    });
  }

  async path(): Promise<string | null> {
    await new Promise<void>((ok) => {
      const listen = (m: ChildMessage) => (m.type === 'state' ? ok() : this.#waiters.push(listen));
      this.#waiters.push(listen);
      this.child.send({ type: 'state' } satisfies ParentMessage);
    });
    return this.#path;
  }

  /** Waits until the session is in `path`, in the live actor and in its committed row. */
  until(path: string) {
    return eventually(
      async () => (await this.path()) === path && persistedPath(this.db) === path,
      10_000,
      `state ${path}`,
    );
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  kill(): Promise<void> {
    return new Promise((ok) => {
      this.child.once('exit', () => ok());
      this.child.kill('SIGKILL');
    });
  }

  stop(): Promise<void> {
    return new Promise((ok) => {
      this.child.once('exit', () => ok());
      this.child.kill('SIGTERM');
    });
  }
}

/** A scenario: how to bring a fresh session into a state, with one or more lives. */
interface Scenario {
  state: string;
  reach: (start: () => Promise<Life>) => Promise<Life>;
  inFlight: boolean;
}

/** A second life whose session a graceful restart interrupted mid-run. */
async function interruptedByRestart(start: () => Promise<Life>): Promise<Life> {
  const first = await start();
  await first.say('m1', 'a slow task');
  await first.until('running.working');
  await first.stop();
  const l = await start();
  await l.until('restartInterrupted');
  return l;
}

/**
 * What brings a run into each of its substates, given the life, the run state
 * (`running` or `resuming`) and the message that starts the run.
 */
const RUN_SUBSTATES: Record<
  string,
  (l: Life, run: string, say: (text: string) => Promise<void>) => Promise<void>
> = {
  working: async (l, run, say) => {
    await say('a slow task');
    await l.until(`${run}.working`);
  },
  interrupting: async (l, run, say) => {
    await say('a stubborn task');
    await l.until(`${run}.working`);
    await l.say('i2', 'change of plan');
    await l.until(`${run}.interrupting`);
  },
  stopping: async (l, run, say) => {
    await say('a stubborn task');
    await l.until(`${run}.working`);
    await l.say('i2', '/stop');
    await l.until(`${run}.stopping`);
  },
  awaitingApproval: async (l, run, say) => {
    await say('approve-me please');
    await l.until(`${run}.awaitingApproval`);
  },
  awaitingClarification: async (l, run, say) => {
    await say('clarify-me please');
    await l.until(`${run}.awaitingClarification`);
  },
};

const SCENARIOS: Scenario[] = [
  {
    state: 'idle',
    inFlight: false,
    reach: async (start) => {
      const l = await start();
      await l.say('m1', 'hello');
      await l.until('idle');
      return l;
    },
  },
  {
    state: 'restartInterrupted',
    inFlight: false,
    reach: (start) => interruptedByRestart(start),
  },
  ...Object.entries(RUN_SUBSTATES).flatMap(([substate, reach]) => [
    {
      state: `running.${substate}`,
      inFlight: true,
      reach: async (start: () => Promise<Life>) => {
        const l = await start();
        await reach(l, 'running', (text) => l.say('m1', text));
        return l;
      },
    },
    {
      state: `resuming.${substate}`,
      inFlight: true,
      reach: async (start: () => Promise<Life>) => {
        const l = await interruptedByRestart(start);
        await reach(l, 'resuming', (text) => l.say('m2', text));
        return l;
      },
    },
  ]),
];

/** Every state path of the session machine (atomic states), from its definition. */
function statePaths(): string[] {
  const paths: string[] = [];
  const walk = (node: { states: Record<string, unknown>; path: string[] }) => {
    const children = Object.values(node.states) as { states: Record<string, unknown>; path: string[] }[];
    if (children.length === 0) paths.push(node.path.join('.'));
    for (const c of children) walk(c);
  };
  walk(sessionMachine.root as never);
  return paths;
}

const lives: Life[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const l of lives.splice(0)) if (l.alive) await l.kill();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The state path of the session's committed row. */
function persistedPath(db: string): string | null {
  const d = new Database(db, { readonly: true });
  try {
    const row = d.prepare("select snapshot from actors where actor_id = 'chat:dm:c'").get() as
      | { snapshot: string }
      | undefined;
    if (!row) return null;
    const toPath = (v: unknown): string =>
      typeof v === 'string' ? v : Object.entries(v as object).map(([k, c]) => `${k}.${toPath(c)}`)[0]!;
    return toPath((JSON.parse(row.snapshot) as { value: unknown }).value);
  } finally {
    d.close();
  }
}

function inbox(db: string) {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('select platform_message_id as id, status, message from inbox order by id').all() as {
      id: string;
      status: string;
      message: string;
    }[];
  } finally {
    d.close();
  }
}

describe('crash at every state of the session machine', () => {
  it('covers every state of the machine', () => {
    expect(SCENARIOS.map((s) => s.state).sort()).toEqual(statePaths().sort());
  });

  it.each(SCENARIOS.map((s) => [s.state, s] as const))('kill -9 in %s', async (_name, scenario) => {
    const dir = mkdtempSync(join(tmpdir(), 'hermes-crash-state-'));
    dirs.push(dir);
    const db = join(dir, 'state.db');
    const sent: { key: string; inReplyTo: string[] }[] = [];
    const start = async () => {
      const l = new Life(db, sent);
      lives.push(l);
      await l.ready;
      return l;
    };

    const doomed = await scenario.reach(start);
    await doomed.kill();

    const after = await start();
    const interrupted = scenario.inFlight || scenario.state === 'restartInterrupted';
    if (interrupted) {
      expect(after.logs, after.logs.join(' | ')).toContain(
        'Scheduled auto-resume for 1 restart-interrupted session(s)',
      );
      expect(await after.path()).toBe('restartInterrupted');
    }
    await after.say('final', 'final words');
    await eventually(
      async () => (await after.path()) === 'idle' && inbox(db).every((r) => r.status === 'done'),
      15_000,
      'every message to be settled',
    );
    await eventually(
      () => sent.some((s) => s.inReplyTo.includes('final')),
      5_000,
      'the answer to the final message',
    );

    // nothing sent twice
    const keys = sent.map((s) => s.key);
    expect(keys.length).toBe(new Set(keys).size);
    // every accepted message was answered, merged, stopped or set aside with a notice
    const answered = new Set(sent.flatMap((s) => s.inReplyTo));
    for (const row of inbox(db)) {
      const text = (JSON.parse(row.message) as { text: string }).text;
      if (text.startsWith('/')) continue; // a command's answer is its own notice
      expect(answered.has(row.id), `message ${row.id} (“${text}”) got no answer`).toBe(true);
    }
    await after.stop();
  });
});
