/**
 * The session model: the pure session machine explored with `xstate/graph`
 * over the sample events, with snapshots grouped into abstract states (the
 * state value plus what the guards and the effects depend on). From it come the
 * test paths: the shortest path to every abstract state; for every edge of the
 * model (every sample event in every abstract state) the shortest path to its
 * source followed by that event, so that every transition is taken; and every
 * simple path through the machine's states.
 */
import { type AdjacencyMap, getAdjacencyMap, getShortestPaths, getSimplePaths } from 'xstate/graph';
import {
  type PendingMessage,
  type SessionContext,
  type SessionInput,
  sessionMachine,
} from '../../../src/machines/session.ts';
import { stateNodeIds } from './definition.ts';
import { type ModelEvent, SAMPLES, type Sample, type SampleEnv, sampleNamed } from './samples.ts';

/** The chat every model session belongs to. */
export const MODEL_INPUT: SessionInput = {
  sessionKey: 'model:dm:1',
  platform: 'model',
  chatType: 'dm',
  chatId: '1',
};

/** A state value as a dotted path: `idle`, `running.working`. */
export function statePath(value: unknown): string {
  if (typeof value === 'string') return value;
  const [key, child] = Object.entries(value as Record<string, unknown>)[0]!;
  return `${key}.${statePath(child)}`;
}

/**
 * The abstract state of a snapshot: its state value and what decides which
 * transition an event takes or what an effect tells the user (how many
 * messages wait where, restart count, pending approval, interrupted and
 * superseded turns, reset notice). Ids, texts and the clock are left out.
 */
export function abstractState(snapshot: { value: unknown; context: SessionContext }): string {
  const c = snapshot.context;
  return JSON.stringify({
    state: statePath(snapshot.value),
    queue: c.queue.length,
    steered: c.steered.length,
    merging: c.merging.length,
    restarts: c.restartInterruptions,
    approval: c.pendingApproval !== null,
    clarification: c.pendingClarification !== null,
    interrupted: c.interrupted !== null && c.interrupted.length > 0,
    superseded: c.superseded.length > 0,
    resetNotice: c.resetNotice,
  });
}

/** One step of a path: a sample event and the abstract state the model says it leads to. */
export interface ModelStep {
  sample: Sample;
  /** Abstract state the model says the event leads to (checked by the runner when given). */
  expected?: string;
}

/** A test path from the initial state. */
export interface ModelPath {
  /** The events of the path, e.g. `MESSAGE → MESSAGE steer → agent run crashes`. */
  name: string;
  steps: ModelStep[];
}

/** The explored model. */
export interface SessionModel {
  /** Shortest path to every abstract state, by abstract state. */
  shortest: Map<string, ModelPath>;
  /** One path per edge: the shortest path to the edge's source, then its event. */
  edgePaths: ModelPath[];
  /**
   * Every simple path (no state twice) through the machine's states, grouped
   * by state value only. Too coarse for the runner to check expected states;
   * played for the invariants.
   */
  simplePaths: ModelPath[];
  /** Number of abstract states. */
  stateCount: number;
  /** Number of edges (sample events offered in abstract states). */
  edgeCount: number;
}

/** A sample environment for the pure traversal: unique ids, a fixed clock. */
function traversalEnv(): SampleEnv {
  let inboxId = 0;
  let approvals = 0;
  let questions = 0;
  return {
    message: (text: string): PendingMessage => {
      inboxId += 1;
      return { inboxId, platformMessageId: `t${inboxId}`, userId: 'u1', text, attachments: [] };
    },
    approvalId: (runId: string) => `${runId}:a${++approvals}`,
    clarifyId: (runId: string) => `${runId}:c${++questions}`,
    at: 0,
  };
}

type SessionSnapshot = ReturnType<typeof sessionMachine.transition>;

/**
 * Explores the session machine with `xstate/graph` and builds the test paths.
 *
 * @example
 * const model = exploreSessionModel();
 * for (const path of model.edgePaths) await playPath(path);
 */
export function exploreSessionModel(): SessionModel {
  const sampleOf = new WeakMap<object, Sample>();
  const env = traversalEnv();
  const options = {
    input: MODEL_INPUT,
    // built against each snapshot: "the current run" is that snapshot's run
    events: (snapshot: SessionSnapshot) =>
      offeredSamples(snapshot).map((s) => {
        const event = s.build(snapshot.context, env);
        sampleOf.set(event, s);
        return event as never;
      }),
    serializeState: (snapshot: SessionSnapshot) => abstractState(snapshot),
    serializeEvent: (event: object) => sampleOf.get(event)?.label ?? JSON.stringify(event),
  };
  const labelOf = (event: object): Sample => {
    const sample = sampleOf.get(event);
    if (!sample) throw new Error(`The model offered an event without a sample: ${JSON.stringify(event)}`);
    return sample;
  };

  const shortest = new Map<string, ModelPath>();
  for (const path of getShortestPaths(sessionMachine, options)) {
    // steps[0] is the initial state (event `xstate.init`); each later step holds the state after its event
    const steps = path.steps.slice(1).map((step) => ({
      sample: labelOf(step.event),
      expected: abstractState(step.state),
    }));
    shortest.set(abstractState(path.state), { name: nameOf(steps), steps });
  }

  const adjacency = getAdjacencyMap(sessionMachine, options as never) as unknown as AdjacencyMap<
    SessionSnapshot,
    ModelEvent
  >;
  const edgePaths: ModelPath[] = [];
  let edgeCount = 0;
  for (const [source, { transitions }] of Object.entries(adjacency)) {
    const head = shortest.get(source);
    if (!head) throw new Error(`No shortest path to the model state ${source}`);
    // keyed by serialized event (a branded string), which `Object.values` cannot type
    const edges = Object.values(transitions) as { event: ModelEvent; state: SessionSnapshot }[];
    for (const { event, state } of edges) {
      edgeCount += 1;
      const steps = [...head.steps, { sample: labelOf(event), expected: abstractState(state) }];
      edgePaths.push({ name: nameOf(steps), steps });
    }
  }
  const simplePaths = getSimplePaths(sessionMachine, {
    ...options,
    serializeState: (snapshot: SessionSnapshot) => statePath(snapshot.value),
  }).map((path) => {
    const steps = path.steps.slice(1).map((step) => ({ sample: labelOf(step.event) }));
    return { name: nameOf(steps), steps };
  });
  return { shortest, simplePaths, edgePaths, stateCount: Object.keys(adjacency).length, edgeCount };
}

/** The event types the state nodes of a snapshot have transitions for (guarded or not). */
export function handledEvents(snapshot: { value: unknown }): Set<string> {
  return new Set(
    stateNodeIds(sessionMachine.id, snapshot.value).flatMap((id) => [
      ...sessionMachine.getStateNodeById(id).transitions.keys(),
    ]),
  );
}

/**
 * The samples the model offers in a snapshot: those of the event types its
 * states handle, where the sample applies. Events a state has no transition
 * for are not offered (the agent run does not send them there).
 */
export function offeredSamples(snapshot: { value: unknown; context: SessionContext }): Sample[] {
  const handled = handledEvents(snapshot);
  const state = statePath(snapshot.value);
  return SAMPLES.filter((s) => handled.has(s.type) && s.applies(snapshot.context, state));
}

/**
 * A hand-written path from sample labels (no expected states).
 *
 * @example
 * pathOf('MESSAGE', 'MESSAGE steer', 'agent run crashes')
 */
export function pathOf(...labels: string[]): ModelPath {
  const steps = labels.map((label) => ({ sample: sampleNamed(label) }));
  return { name: nameOf(steps), steps };
}

/** A path's events as text. */
export function nameOf(steps: readonly { sample: Sample }[]): string {
  return steps.length ? steps.map((s) => s.sample.label).join(' → ') : '(initial state)';
}
