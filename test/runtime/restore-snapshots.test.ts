/**
 * Golden snapshots of the persisted session machine (test/fixtures/snapshots/).
 * Rows written by a released machine version must keep restoring the same way:
 * in-flight runs come back restart-interrupted without re-running anything,
 * and every restored session goes on answering.
 *
 * Only the session machine is persisted. The gateway machine is not: its
 * context (adapter names, restart budget, supervision records) is rebuilt from
 * the options at every start, so it has no snapshot fixtures.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { restorableSnapshot } from '../../src/actors/session-directory.ts';
import { GatewayError } from '../../src/errors.ts';
import { SESSION_MACHINE_VERSION, type SessionContext, sessionMachine } from '../../src/machines/session.ts';
import { migrateSessionSnapshot } from '../../src/machines/session-migrations.ts';
import type { ActorRow } from '../../src/persistence/store.ts';
import {
  currentFixtureFile,
  fixtureFileName,
  pendingMessage,
  recordingSessionLogic,
  type ScenarioName,
  type SnapshotFixture,
  type SnapshotFixtureFile,
  topState,
} from '../fixtures/snapshots/session-scenarios.ts';

const FIXTURE_DIR = join(import.meta.dirname, '../fixtures/snapshots');
const BUMP =
  'The session machine now persists different snapshots (states or context shape) than its golden fixtures. ' +
  'Rows on disk were written by the old shape: bump SESSION_MACHINE_VERSION in src/machines/session.ts ' +
  'and add fixtures for the new version with `node_modules/.bin/node test/fixtures/snapshots/generate.ts` ' +
  '(keep the old fixture files).';

function readFixtureFile(version: number): SnapshotFixtureFile | undefined {
  const path = join(FIXTURE_DIR, fixtureFileName(version));
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SnapshotFixtureFile;
  } catch {
    return undefined;
  }
}

/** Versions that have a fixture file. */
function fixtureVersions(): number[] {
  return readdirSync(FIXTURE_DIR)
    .map((f) => /^session\.v(\d+)\.json$/.exec(f)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

const current = readFixtureFile(SESSION_MACHINE_VERSION);

function fixture(name: ScenarioName): SnapshotFixture {
  if (!current) throw new Error(`No ${fixtureFileName(SESSION_MACHINE_VERSION)}. ${BUMP}`);
  const f = current.fixtures[name];
  if (!f) throw new Error(`Fixture ${name} missing from ${fixtureFileName(SESSION_MACHINE_VERSION)}`);
  return f;
}

function rowOf(name: ScenarioName, machineVersion = current?.machineVersion ?? -1): ActorRow {
  const f = fixture(name);
  const context = (f.snapshot as { context: SessionContext }).context;
  return {
    actorId: context.sessionKey,
    kind: 'session',
    machineVersion,
    snapshot: structuredClone(f.snapshot),
    state: f.state,
    updatedAt: 1_700_000_000_000,
  };
}

/** Restores a fixture the way the session directory does, with a recording agent run. */
function restore(name: ScenarioName) {
  const { snapshot, recovered } = restorableSnapshot(rowOf(name));
  const recording = recordingSessionLogic();
  const actor = createActor(recording.logic, { snapshot } as never);
  const errors: unknown[] = [];
  actor.subscribe({ error: (e) => errors.push(e) });
  actor.start();
  return { actor, recovered, errors, ...recording };
}

const ids = (messages: { inboxId: number }[] | null) => messages?.map((m) => m.inboxId) ?? null;

/** What each fixture must look like once restored. */
const RESTORED: Record<
  ScenarioName,
  {
    state: string;
    recovered: boolean;
    interrupted: number[] | null;
    queue: number[];
    runCount: number;
    restartInterruptions: number;
  }
> = {
  'idle-fresh': {
    state: 'idle',
    recovered: false,
    interrupted: null,
    queue: [],
    runCount: 0,
    restartInterruptions: 0,
  },
  'idle-after-turns': {
    state: 'idle',
    recovered: false,
    interrupted: null,
    queue: [],
    runCount: 3,
    restartInterruptions: 0,
  },
  'running-with-queue': {
    state: 'restartInterrupted',
    recovered: true,
    interrupted: [11],
    queue: [12, 13],
    runCount: 2,
    restartInterruptions: 1,
  },
  'restart-interrupted': {
    state: 'restartInterrupted',
    recovered: false,
    interrupted: [2],
    queue: [3],
    runCount: 2,
    restartInterruptions: 1,
  },
  resuming: {
    state: 'restartInterrupted',
    recovered: true,
    interrupted: [2, 4],
    queue: [3],
    runCount: 3,
    restartInterruptions: 2,
  },
  // the question is void after a restart: the user's next message resumes the turn it belonged to
  'awaiting-clarification': {
    state: 'restartInterrupted',
    recovered: true,
    interrupted: [1],
    queue: [],
    runCount: 1,
    restartInterruptions: 1,
  },
};

/** What a new message (inbox id 100) does to each restored session. */
/** `turnId`: a new turn is named by the new message, a resumed one by the first message of the cut-off turn. */
const NEXT: Record<ScenarioName, { state: string; runId: string; resume: boolean; turnId: string }> = {
  'idle-fresh': {
    state: 'running',
    runId: 'telegram:dm:42/1#1',
    resume: false,
    turnId: 'telegram:dm:42/1@100',
  },
  'idle-after-turns': {
    state: 'running',
    runId: 'telegram:dm:42/1#4',
    resume: false,
    turnId: 'telegram:dm:42/1@100',
  },
  'running-with-queue': {
    state: 'resuming',
    runId: 'telegram:group:-1001234567890:77/1#3',
    resume: true,
    turnId: 'telegram:group:-1001234567890:77/1@11',
  },
  'restart-interrupted': {
    state: 'resuming',
    runId: 'api:research-1/1#3',
    resume: true,
    turnId: 'api:research-1/1@2',
  },
  resuming: { state: 'resuming', runId: 'api:research-1/1#4', resume: true, turnId: 'api:research-1/1@2' },
  'awaiting-clarification': {
    state: 'resuming',
    runId: 'telegram:dm:42/1#2',
    resume: true,
    turnId: 'telegram:dm:42/1@1',
  },
};

const NAMES = Object.keys(RESTORED) as ScenarioName[];

describe(`golden session snapshots (${fixtureFileName(SESSION_MACHINE_VERSION)})`, () => {
  it('exist for the current machine version and cover every state of the session machine', () => {
    expect(current, `No ${fixtureFileName(SESSION_MACHINE_VERSION)}. ${BUMP}`).toBeDefined();
    expect(current?.machineVersion).toBe(SESSION_MACHINE_VERSION);
    expect(Object.keys(current?.fixtures ?? {}).sort()).toEqual([...NAMES].sort());
    const states = new Set(Object.values(current?.fixtures ?? {}).map((f) => f.state));
    for (const state of Object.keys(sessionMachine.root.states)) {
      expect(states.has(state), `no golden snapshot in state ${state}. ${BUMP}`).toBe(true);
    }
  });

  describe.each(NAMES)('%s', (name) => {
    it('restores into a live actor in the expected state without starting an agent run', () => {
      const expected = RESTORED[name];
      const before = (fixture(name).snapshot as { context: SessionContext }).context;
      const r = restore(name);
      const snap = r.actor.getSnapshot();
      expect(snap.status).toBe('active');
      expect(topState(snap.value)).toBe(expected.state);
      expect(r.recovered).toBe(expected.recovered);
      expect(r.runs).toEqual([]);
      expect(r.effects).toEqual([]);
      expect(snap.children).toEqual({});
      expect(snap.context.run).toBeNull();
      expect(ids(snap.context.interrupted)).toEqual(expected.interrupted);
      expect(ids(snap.context.queue)).toEqual(expected.queue);
      expect(snap.context.runCount).toBe(expected.runCount);
      expect(snap.context.restartInterruptions).toBe(expected.restartInterruptions);
      expect(snap.context.conversationId).toBe(before.conversationId);
      expect(snap.context.lastError).toBe(before.lastError);
      expect(snap.context.pendingApproval).toBeNull();
      expect(snap.context.pendingClarification).toBeNull();
      expect(r.errors).toEqual([]);
      r.actor.stop();
    });

    it('answers the next message from where it was', () => {
      const next = NEXT[name];
      const r = restore(name);
      const before = r.actor.getSnapshot().context;
      r.actor.send({ type: 'MESSAGE', message: pendingMessage(100, 'hello again') });
      const snap = r.actor.getSnapshot();
      expect(topState(snap.value)).toBe(next.state);
      expect(snap.context.run).toEqual({
        runId: next.runId,
        messages: [pendingMessage(100, 'hello again')],
        resume: next.resume,
        turnId: next.turnId,
      });
      expect(r.runs.map((run) => run.run.runId)).toEqual([next.runId]);
      // from idle the reset notice is checked; a resume goes straight to the run
      const noticeCheck = next.resume ? [] : ['notifyReset:MESSAGE'];
      expect(r.effects).toEqual(['acceptMessage:MESSAGE', ...noticeCheck, 'recordUserTurn:MESSAGE']);
      expect(ids(snap.context.interrupted)).toEqual(ids(before.interrupted));

      // The answer ends the turn (and the interrupted one with it); the queue comes next, in order.
      r.actor.send({
        type: 'AGENT.DONE',
        runId: next.runId,
        result: { text: 'ok', inputTokens: 1, outputTokens: 1, model: null },
      });
      const after = r.actor.getSnapshot();
      expect(after.context.interrupted).toBeNull();
      expect(after.context.restartInterruptions).toBe(0);
      if (before.queue.length > 0) {
        expect(topState(after.value)).toBe('running');
        expect(ids(after.context.run?.messages ?? [])).toEqual([before.queue[0]!.inboxId]);
        expect(ids(after.context.queue)).toEqual(ids(before.queue.slice(1)));
      } else {
        expect(topState(after.value)).toBe('idle');
      }
      expect(r.errors).toEqual([]);
      r.actor.stop();
    });

    it('is what the current machine persists for the same conversation', () => {
      const produced = currentFixtureFile().fixtures[name];
      expect(produced, BUMP).toEqual(fixture(name));
    });
  });

  it('restore is what keeps in-flight runs from running again: restoring the raw row would start the agent', () => {
    // Control for the "no agent run" assertions above: the recording agent run does see a raw restore.
    const recording = recordingSessionLogic();
    const raw = createActor(recording.logic, { snapshot: rowOf('running-with-queue').snapshot } as never);
    raw.start();
    expect(recording.runs.map((r) => r.run.runId)).toEqual(['telegram:group:-1001234567890:77/1#2']);
    raw.stop();
  });

  it('an interrupted session whose resume window expired goes idle and then runs its queue', () => {
    const r = restore('running-with-queue');
    r.actor.send({ type: 'AUTO_RESUME.EXPIRED' });
    const snap = r.actor.getSnapshot();
    expect(r.effects).toContain('abandonInterrupted:AUTO_RESUME.EXPIRED');
    expect(snap.context.interrupted).toBeNull();
    expect(topState(snap.value)).toBe('running');
    expect(ids(snap.context.run?.messages ?? [])).toEqual([12]);
    r.actor.stop();
  });
});

describe('snapshots of another machine version', () => {
  it('v3 pending messages, in the context and in the input of a run in flight, get empty attachments', () => {
    const v3 = readFixtureFile(3)!.fixtures['running-with-queue']!.snapshot;
    const upgraded = migrateSessionSnapshot(3, structuredClone(v3)) as {
      context: SessionContext;
      children: { agentRun: { snapshot: { input: { run: { messages: { attachments: unknown }[] } } } } };
    };
    expect(upgraded.context.queue.map((m) => m.attachments)).toEqual([[], []]);
    expect(upgraded.context.run?.messages.map((m) => m.attachments)).toEqual([[]]);
    expect(upgraded.children.agentRun.snapshot.input.run.messages.map((m) => m.attachments)).toEqual([[]]);
  });

  it('v4 runs become their own turn and no question is pending', () => {
    const v4 = readFixtureFile(4)!.fixtures['running-with-queue']!.snapshot;
    const upgraded = migrateSessionSnapshot(4, structuredClone(v4)) as {
      context: SessionContext;
      children: { agentRun: { snapshot: { input: { run: { runId: string; turnId: string } } } } };
    };
    expect(upgraded.context.pendingClarification).toBeNull();
    expect(upgraded.context.run?.turnId).toBe('telegram:group:-1001234567890:77/1#2');
    expect(upgraded.children.agentRun.snapshot.input.run.turnId).toBe('telegram:group:-1001234567890:77/1#2');
  });

  it.each([0, SESSION_MACHINE_VERSION + 1])(
    'a row saved by session machine v%i (unknown here) is refused with GATEWAY_ERR_SNAPSHOT',
    (version) => {
      for (const name of NAMES) {
        let error: unknown;
        try {
          restorableSnapshot(rowOf(name, version));
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(GatewayError);
        expect((error as GatewayError).code).toBe('GATEWAY_ERR_SNAPSHOT');
        expect((error as GatewayError).message).toContain(`v${version}`);
      }
    },
  );

  it('fixtures of every older version are upgraded and restore into the same state as the current ones', () => {
    const older = fixtureVersions().filter((v) => v !== SESSION_MACHINE_VERSION);
    expect(older.length).toBeGreaterThan(0);
    for (const version of older) {
      const file = readFixtureFile(version)!;
      for (const [name, f] of Object.entries(file.fixtures)) {
        const row: ActorRow = {
          actorId: name,
          kind: 'session',
          machineVersion: file.machineVersion,
          snapshot: f.snapshot,
          state: f.state,
          updatedAt: 0,
        };
        const { snapshot } = restorableSnapshot(row);
        const actor = createActor(recordingSessionLogic().logic, { snapshot } as never).start();
        const expected = RESTORED[name as ScenarioName];
        expect(topState(actor.getSnapshot().value)).toBe(expected.state);
        expect(ids(actor.getSnapshot().context.queue)).toEqual(expected.queue);
        expect(ids(actor.getSnapshot().context.interrupted)).toEqual(expected.interrupted);
        // the upgraded context has every field the current machine reads
        expect(actor.getSnapshot().context.settings).toBeDefined();
        expect(actor.getSnapshot().context.merging).toEqual([]);
        const { queue, interrupted } = actor.getSnapshot().context;
        for (const m of [...queue, ...(interrupted ?? [])]) expect(Array.isArray(m.attachments)).toBe(true);
        actor.stop();
      }
    }
    expect(fixtureVersions()).toContain(SESSION_MACHINE_VERSION);
  });
});
