/**
 * Model-based tests of the session machine: `xstate/graph` explores the pure
 * machine over sample events (every busy mode, queue cap, current and stale
 * runs, approvals, restarts, crashes); every path it yields is played on a live
 * actor with the real session effects, driven to quiescence, and checked for
 * the invariants a user relies on. Coverage is measured against the machine's
 * definition from the transitions XState reports as taken.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionMachine } from '../../src/machines/session.ts';
import { machineDefinition } from './model/definition.ts';
import { concurrentRuns, duplicateSends, modelDrift, unansweredMessages } from './model/invariants.ts';
import { exploreSessionModel, type ModelPath, pathOf } from './model/model.ts';
import { type PathRecord, playPath } from './model/runner.ts';
import { SAMPLES } from './model/samples.ts';

const model = exploreSessionModel();
const definition = machineDefinition(sessionMachine);

/** Every path once: the shortest path to each model state, one path per model edge, every simple path. */
const paths: ModelPath[] = [
  ...new Map(
    [...model.shortest.values(), ...model.edgePaths, ...model.simplePaths].map((p) => [p.name, p]),
  ).values(),
];

const records: PathRecord[] = [];
const taken = new Set<string>();
const visited = new Set<string>();

/** Violations grouped by what went wrong, each with its count and the shortest path that shows it. */
function summary(violations: string[]): string[] {
  const byKind = new Map<string, string[]>();
  for (const v of violations) {
    const kind = v
      .split(': ')[0]!
      .replace(/"[^"]*"/g, '"…"')
      .replace(/\d+(, \d+)*/g, 'N');
    byKind.set(kind, [...(byKind.get(kind) ?? []), v]);
  }
  return [...byKind.values()].map((vs) => {
    const shortest = vs.reduce((a, b) => (b.length < a.length ? b : a));
    return `${vs.length} path(s), e.g. ${shortest}`;
  });
}

beforeAll(async () => {
  for (const path of paths) {
    const record = await playPath(path, 'resume');
    records.push(record);
    // a turn left interrupted at the end is also closed the other way: its resume window expires
    if (record.metInterrupted) records.push(await playPath(path, 'expire'));
  }
  for (const r of records) {
    for (const id of r.taken) taken.add(id);
    for (const id of r.visited) visited.add(id);
  }
  // several thousand paths, each played on a live actor with the real effects
}, 300_000);

afterAll(() => {
  const states = definition.states.filter((s) => visited.has(s)).length;
  const transitions = definition.transitions.filter((t) => taken.has(t.id)).length;
  console.log(
    `session machine: states ${states}/${definition.states.length}, transitions ${transitions}/${definition.transitions.length}`,
  );
});

describe('the session machine, explored as a model', () => {
  it('has a sample event for every event type the machine takes', () => {
    const sampled = new Set<string>(SAMPLES.map((s) => s.type));
    const events = new Set(definition.transitions.map((t) => t.id.split(' ')[1]!.split('#')[0]!));
    events.delete('always');
    expect([...events].filter((e) => !sampled.has(e))).toEqual([]);
    expect(model.edgeCount).toBeGreaterThan(model.stateCount);
  });

  it('plays every path on the live actor exactly as the model predicts, and stale events change nothing', () => {
    expect(summary(records.flatMap(modelDrift))).toEqual([]);
  });

  it('visits every state of the machine', () => {
    expect(definition.states.filter((s) => !visited.has(s))).toEqual([]);
  });

  it('takes every transition of the machine', () => {
    const missed = definition.transitions.filter((t) => !taken.has(t.id)).map((t) => t.description);
    expect(missed).toEqual([]);
    expect(taken.size).toBe(definition.transitions.length);
  });

  it('answers or tells about every accepted message, and leaves nothing waiting once quiet', () => {
    expect(summary(records.flatMap(unansweredMessages))).toEqual([]);
  });

  it('never runs two agent runs of a session at once', () => {
    expect(summary(records.flatMap(concurrentRuns))).toEqual([]);
  });

  it('never sends anything twice', () => {
    expect(summary(records.flatMap(duplicateSends))).toEqual([]);
  });
});

describe('bugs the model found', () => {
  it('a message that interrupts a resumed turn still closes the turn the restart cut off', async () => {
    const record = await playPath(
      pathOf('MESSAGE', 'GATEWAY.DRAIN', 'MESSAGE', 'MESSAGE interrupt', 'AGENT.STOPPED', 'AGENT.DONE'),
      'resume',
    );
    const cutOff = record.sent[0]!;
    // the answer after the interrupt replaces the resumed turn's answer: it answers the cut-off turn too
    expect(record.finalState).toBe('idle');
    expect(record.accounted.filter((a) => a.inboxId === cutOff.inboxId && a.answer)).toHaveLength(1);
    expect(record.inboxStatus.get(cutOff.inboxId)).toBe('done');
    // and the session forgets the interrupted turn, or later restarts count towards a false suspension
    expect(record.finalContext.interrupted).toBeNull();
    expect(record.finalContext.restartInterruptions).toBe(0);
  });

  it('an agent run that crashes does not lose the messages steered into it', async () => {
    const record = await playPath(pathOf('MESSAGE', 'MESSAGE steer', 'agent run crashes'), 'resume');
    const steer = record.sent[1]!;
    expect(record.accounted.filter((a) => a.inboxId === steer.inboxId).map((a) => a.effect)).not.toEqual([]);
    expect(record.inboxStatus.get(steer.inboxId)).toBe('done');
  });

  it('an agent run that crashes while it is interrupted does not lose the messages merged for the next run', async () => {
    const record = await playPath(pathOf('MESSAGE', 'MESSAGE interrupt', 'agent run crashes'), 'resume');
    const merged = record.sent[1]!;
    expect(record.finalContext.merging).toEqual([]);
    expect(record.accounted.filter((a) => a.inboxId === merged.inboxId).map((a) => a.effect)).not.toEqual([]);
    expect(record.inboxStatus.get(merged.inboxId)).toBe('done');
  });
});
