/**
 * Plays a model path on a live session actor: the real session effects
 * (`createSessionEffects`) on an in-memory store, a recording agent run, a
 * simulated clock, and XState inspection to see which transitions were taken.
 * After the path, the session is driven to quiescence (every run answered,
 * an interrupted turn resumed or expired) so that "eventually" can be checked.
 */
import { type AnyActorRef, createActor, fromCallback, type InspectionEvent } from 'xstate';
import type { OutboundMessage } from '../../../src/adapters/contract.ts';
import { silentLogger } from '../../../src/log/runtime-logger.ts';
import {
  type AgentRunCommand,
  type AgentRunInput,
  answeredBy,
  NO_WORDS,
  type PendingMessage,
  type SessionContext,
  type SessionEvent,
  sessionMachine,
  YES_WORDS,
} from '../../../src/machines/session.ts';
import { createMemoryStore } from '../../../src/persistence/memory-store.ts';
import type { InboxStatus } from '../../../src/persistence/store.ts';
import { createSessionEffects } from '../../../src/runtime/session-effects.ts';
import { stateNodeIds, transitionId } from './definition.ts';
import { abstractState, MODEL_INPUT, type ModelPath, statePath } from './model.ts';
import { type Sample, type SampleEnv, sampleNamed } from './samples.ts';

/** How an interrupted turn left at the end of a path is closed: resumed by a message, or expired. */
export type Finish = 'resume' | 'expire';

/** A command the recording agent run takes on top of the real ones: crash now. */
const CRASH = 'MODEL.CRASH';

/** Simulated time between two events. */
const STEP_MS = 12_000;
/** Safety bound of the quiescence loop. */
const MAX_FINISH_STEPS = 40;

/** Why a message counts as dealt with, and by which effect. */
export interface Accounting {
  inboxId: number;
  /** The effect that answered or told about it, e.g. `commitTurn`, `notifyStopped`. */
  effect: string;
  /** True for a reply to the message itself (an answer), false for a notice. */
  answer: boolean;
}

/** One outbox write the effects asked for. */
export interface EnqueueCall {
  idempotencyKey: string;
  text: string;
  inReplyTo: string[];
}

/** What playing one path recorded. */
export interface PathRecord {
  path: ModelPath;
  finish: Finish;
  /** Labels of every event played: the path, then the steps to quiescence. */
  played: string[];
  /** Where the live actor left the model: the step and the abstract states. */
  drift: string | null;
  /** Ids of the transition definitions taken. */
  taken: Set<string>;
  /** Ids of the state nodes visited. */
  visited: Set<string>;
  /** Messages sent to the session. */
  sent: PendingMessage[];
  /** Inbox ids the session accepted (`acceptMessage`). */
  accepted: number[];
  accounted: Accounting[];
  /** Highest number of agent runs alive at once. */
  maxLiveRuns: number;
  /** Steps after which the number of live runs did not match the state (one in a run state, none otherwise). */
  runMismatches: string[];
  /** Samples that should change nothing (a stale run or approval) but did. */
  staleEffects: string[];
  enqueues: EnqueueCall[];
  /** Idempotency keys of the outbox rows, in row order. */
  outboxKeys: string[];
  /** Inbox row status of every message sent, by inbox id. */
  inboxStatus: Map<number, InboxStatus | undefined>;
  /** State after quiescence. */
  finalState: string;
  finalContext: SessionContext;
  /** True when an interrupted turn was waiting during quiescence (the path is worth playing with both finishes). */
  metInterrupted: boolean;
}

const isBusy = (state: string) => state.startsWith('running') || state.startsWith('resuming');

/** The sample the quiescence loop plays in a state, or null when the session is quiet. */
function finishingSample(state: string, finish: Finish): Sample | null {
  if (state === 'idle') return null;
  if (state === 'restartInterrupted')
    return sampleNamed(finish === 'expire' ? 'AUTO_RESUME.EXPIRED' : 'MESSAGE');
  if (state.endsWith('.awaitingApproval')) return sampleNamed('APPROVAL.RESOLVE deny');
  if (state.endsWith('.awaitingClarification')) return sampleNamed('CLARIFY.TIMEOUT');
  if (state.endsWith('.working')) return sampleNamed('AGENT.DONE');
  return sampleNamed('AGENT.STOPPED');
}

/**
 * Plays a path on a fresh session actor and drives it to quiescence.
 *
 * @example
 * const record = await playPath(model.edgePaths[0], 'resume');
 * expect(record.drift).toBeNull();
 */
export async function playPath(path: ModelPath, finish: Finish): Promise<PathRecord> {
  let clock = 1_700_000_000_000;
  const store = createMemoryStore({ now: () => clock });
  const enqueues: EnqueueCall[] = [];
  const enqueue = store.outbox.enqueue.bind(store.outbox);
  store.outbox.enqueue = (platform: string, message: OutboundMessage) => {
    enqueues.push({
      idempotencyKey: message.idempotencyKey,
      text: message.text,
      inReplyTo: message.inReplyTo ?? [],
    });
    return enqueue(platform, message);
  };

  const record: PathRecord = {
    path,
    finish,
    played: [],
    drift: null,
    taken: new Set(),
    visited: new Set(),
    sent: [],
    accepted: [],
    accounted: [],
    maxLiveRuns: 0,
    runMismatches: [],
    staleEffects: [],
    enqueues,
    outboxKeys: [],
    inboxStatus: new Map(),
    finalState: '',
    finalContext: undefined as never,
    metInterrupted: false,
  };

  // the effects, as the runtime provides them, with a record of what each was asked to account for
  const effects = createSessionEffects({
    store,
    adapters: new Map(),
    log: silentLogger,
    timers: store.timers,
    now: () => clock,
  });
  const account = (effect: string, answer: boolean, messages: readonly PendingMessage[]) => {
    for (const m of messages) record.accounted.push({ inboxId: m.inboxId, effect, answer });
  };
  type Args = { context: SessionContext; event: SessionEvent };
  const accountFor: Partial<Record<keyof typeof effects, (args: Args) => void>> = {
    acceptMessage: ({ event }) => {
      if (event.type === 'MESSAGE') record.accepted.push(event.message.inboxId);
    },
    commitTurn: ({ context, event }) => {
      const taken = new Set(event.type === 'AGENT.DONE' ? (event.steeredTaken ?? []) : []);
      account('commitTurn', true, [
        ...answeredBy(context),
        ...context.steered.filter((m) => taken.has(m.inboxId)),
      ]);
    },
    reportFailure: ({ context }) => account('reportFailure', true, answeredBy(context)),
    closeApproval: ({ context, event }) => {
      const word = event.type === 'MESSAGE' ? event.message.text.trim() : '';
      if (
        context.pendingApproval &&
        event.type === 'MESSAGE' &&
        (YES_WORDS.test(word) || NO_WORDS.test(word))
      )
        account('closeApproval', true, [event.message]);
    },
    // the answer to the agent's question is taken by the run: it is part of the turn's answer
    closeClarification: ({ context, event }) => {
      if (context.pendingClarification && event.type === 'MESSAGE')
        account('closeClarification', false, [event.message]);
    },
    notifyQueueFull: ({ event }) => {
      if (event.type === 'MESSAGE') account('notifyQueueFull', false, [event.message]);
    },
    notifySuspended: ({ context }) => account('notifySuspended', false, context.interrupted ?? []),
    // the stop notice tells the chat that everything of the turn and everything waiting was dropped
    notifyStopped: ({ context }) =>
      account('notifyStopped', false, [
        ...answeredBy(context),
        ...context.queue,
        ...context.merging,
        ...context.steered,
      ]),
    // the restart notice tells the chat that the turn (and what was merged or steered into it) was cut off
    notifyInterrupted: ({ context }) =>
      account('notifyInterrupted', false, [...answeredBy(context), ...context.merging, ...context.steered]),
  };
  const actions = Object.fromEntries(
    Object.entries(effects).map(([name, effect]) => [
      name,
      (args: Args) => {
        accountFor[name as keyof typeof effects]?.(args);
        (effect as (a: Args) => void)(args);
      },
    ]),
  );

  // the agent run: records how many are alive; crashes when told to
  let liveRuns = 0;
  const agentRun = fromCallback<AgentRunCommand, AgentRunInput>(({ receive }) => {
    liveRuns += 1;
    record.maxLiveRuns = Math.max(record.maxLiveRuns, liveRuns);
    let ended = false;
    const end = () => {
      if (!ended) liveRuns -= 1;
      ended = true;
    };
    receive((command) => {
      if ((command as { type: string }).type === CRASH) {
        end();
        throw new Error('agent run crashed');
      }
    });
    return end;
  });

  let stepTransitions: string[] = [];
  const actor = createActor(sessionMachine.provide({ actors: { agentRun }, actions: actions as never }), {
    input: MODEL_INPUT,
    inspect: (event: InspectionEvent) => {
      // only the session machine makes microsteps (the agent run is a callback actor)
      if (event.type !== '@xstate.microstep') return;
      for (const t of event._transitions) stepTransitions.push(transitionId(t));
      for (const id of stateNodeIds('session', (event.snapshot as unknown as { value: unknown }).value))
        record.visited.add(id);
    },
  });
  actor.start();
  for (const id of stateNodeIds('session', actor.getSnapshot().value)) record.visited.add(id);

  let messages = 0;
  let approvals = 0;
  let questions = 0;
  const play = async (sample: Sample): Promise<void> => {
    clock += STEP_MS;
    let message: PendingMessage | null = null;
    if (sample.type === 'MESSAGE') {
      messages += 1;
      const platformMessageId = `m${messages}`;
      const text = sample.text ?? '';
      const { id } = await store.inbox.accept(
        {
          platform: MODEL_INPUT.platform,
          chatType: 'dm',
          chatId: MODEL_INPUT.chatId,
          userId: 'u1',
          text,
          platformMessageId,
        },
        MODEL_INPUT.sessionKey,
      );
      message = { inboxId: id, platformMessageId, userId: 'u1', text, attachments: [] };
      record.sent.push(message);
    }
    const env: SampleEnv = {
      message: () => message!,
      approvalId: (runId) => `${runId}:a${++approvals}`,
      clarifyId: (runId) => `${runId}:c${++questions}`,
      at: clock,
    };
    const before = actor.getSnapshot();
    stepTransitions = [];
    if (sample.crashesRun) {
      const run = before.children.agentRun as AnyActorRef | undefined;
      if (run) run.send({ type: CRASH });
    } else {
      actor.send(sample.build(before.context, env) as SessionEvent);
    }
    for (const id of stepTransitions) record.taken.add(id);
    record.played.push(sample.label);
    const after = actor.getSnapshot();
    const state = statePath(after.value);
    if (isBusy(state) ? liveRuns !== 1 : liveRuns !== 0)
      record.runMismatches.push(
        `${liveRuns} agent runs alive in ${state} after ${record.played.join(' → ')}`,
      );
    if (sample.label.endsWith('stale') && (stepTransitions.length > 0 || after.context !== before.context))
      record.staleEffects.push(
        `${sample.label} took ${stepTransitions.join(', ')} after ${record.played.join(' → ')}`,
      );
  };

  for (const step of path.steps) {
    await play(step.sample);
    const actual = abstractState(actor.getSnapshot());
    if (step.expected !== undefined && actual !== step.expected) {
      record.drift = `after ${record.played.join(' → ')}: model says ${step.expected}, the actor is in ${actual}`;
      break;
    }
  }

  if (!record.drift) {
    for (let i = 0; i < MAX_FINISH_STEPS; i++) {
      const state = statePath(actor.getSnapshot().value);
      if (state === 'restartInterrupted') record.metInterrupted = true;
      const sample = finishingSample(state, finish);
      if (!sample) break;
      await play(sample);
    }
  }

  // the effects' writes apply at once; let their promises settle
  await new Promise((resolve) => setImmediate(resolve));
  const snapshot = actor.getSnapshot();
  record.finalState = statePath(snapshot.value);
  record.finalContext = snapshot.context;
  actor.stop();
  record.outboxKeys = (
    await store.outbox.listByStatus(['pending', 'sending', 'sent', 'unknown_after_send', 'failed'])
  ).map((row) => row.idempotencyKey);
  for (const m of record.sent) record.inboxStatus.set(m.inboxId, (await store.inbox.get(m.inboxId))?.status);
  await store.close();
  return record;
}
