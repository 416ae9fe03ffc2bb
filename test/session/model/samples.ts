/**
 * The sample events of the session model: for every event type the machine
 * takes, a few concrete variants chosen so that each guard is both true and
 * false somewhere (busy mode, queue cap, current or stale run id, pending or
 * stale approval id, yes / no words).
 *
 * A sample is symbolic: it is built against a snapshot's context, so "the
 * current run" means the run of whatever snapshot it is played on. The model
 * traversal builds it against the pure machine's snapshots, the runner against
 * the live actor's, and both take the same transition.
 */
import type { PendingMessage, SessionContext, SessionEvent } from '../../../src/machines/session.ts';

/** The error event the machine receives when its `agentRun` actor crashes. */
export const RUN_CRASH_EVENT = 'xstate.error.actor.agentRun';

/** An event the model plays: a session event, or the crash of the agent run. */
export type ModelEvent = SessionEvent | { type: typeof RUN_CRASH_EVENT; error: unknown };

/** Fresh values a sample needs when it is built (new inbox rows, new approval ids, the clock). */
export interface SampleEnv {
  /** A new user message with this text (a fresh inbox row). */
  message(text: string): PendingMessage;
  /** A new approval id for this run, as the agent run makes them. */
  approvalId(runId: string): string;
  /** A new question id for this run, as the agent run makes them. */
  clarifyId(runId: string): string;
  /** The simulated time, epoch ms. */
  at: number;
}

/** A symbolic sample event. */
export interface Sample {
  /** Stable name, used as the event's key in the model and in path descriptions. */
  label: string;
  type: ModelEvent['type'];
  /** The text of a MESSAGE sample (the runner stores it in the inbox first). */
  text?: string;
  /** True when the runner makes the live agent run crash instead of sending the event. */
  crashesRun?: boolean;
  /** Whether the model offers this sample in a snapshot (keeps the model finite and realistic). */
  applies(context: SessionContext, state: string): boolean;
  build(context: SessionContext, env: SampleEnv): ModelEvent;
}

/** At most this many messages wait (queued, steered or merged) in a model state: keeps the state space finite. */
export const MAX_WAITING = 2;

const waiting = (c: SessionContext) => c.queue.length + c.steered.length + c.merging.length;
const busy = (state: string) => state.startsWith('running.') || state.startsWith('resuming.');
const awaitingApproval = (state: string) => state.endsWith('.awaitingApproval');
const always = () => true;

/** The id of the run in flight; the samples that need one only apply while a run is in flight. */
const currentRun = (c: SessionContext) => c.run?.runId ?? `${c.conversationId}#0`;
/** The id of a run that is no longer current (its events arrive late). */
const staleRun = (c: SessionContext) => `${c.conversationId}#${Math.max(0, c.runCount - 1)}`;

function message(
  label: string,
  text: string,
  extra: { mode?: 'interrupt' | 'queue' | 'steer'; queueCap?: number },
  applies: Sample['applies'],
): Sample {
  return {
    label,
    type: 'MESSAGE',
    text,
    applies,
    build: (_c, env) => ({ type: 'MESSAGE', message: env.message(text), at: env.at, ...extra }),
  };
}

/** A message arriving during a run, while fewer than MAX_WAITING wait. */
const busyRoom = (c: SessionContext, state: string) => !busy(state) || waiting(c) < MAX_WAITING;
/** Outside a run every message does the same; one sample is enough there. */
const onlyBusy = (c: SessionContext, state: string) => busy(state) && waiting(c) < MAX_WAITING;

const result = { text: 'the answer', inputTokens: 3, outputTokens: 5, model: 'model-a' };

/** Every sample event of the model. */
export const SAMPLES: readonly Sample[] = [
  message('MESSAGE', 'hello', {}, busyRoom),
  message('MESSAGE interrupt', 'actually, do this instead', { mode: 'interrupt' }, onlyBusy),
  message('MESSAGE queue', 'and then this', { mode: 'queue' }, onlyBusy),
  message('MESSAGE queue (cap 1)', 'one more thing', { mode: 'queue', queueCap: 1 }, onlyBusy),
  message('MESSAGE steer', 'use the other file', { mode: 'steer' }, onlyBusy),
  // a yes / no word answers a pending approval, whatever the busy mode says
  message('MESSAGE yes', 'yes', { mode: 'interrupt' }, (_c, s) => awaitingApproval(s)),
  message('MESSAGE no', 'no', { mode: 'interrupt' }, (_c, s) => awaitingApproval(s)),
  {
    label: 'AGENT.DELTA',
    type: 'AGENT.DELTA',
    applies: always,
    build: (c) => ({ type: 'AGENT.DELTA', runId: currentRun(c), text: 'partial ' }),
  },
  {
    label: 'AGENT.DELTA stale',
    type: 'AGENT.DELTA',
    applies: always,
    build: (c) => ({ type: 'AGENT.DELTA', runId: staleRun(c), text: 'late ' }),
  },
  {
    label: 'AGENT.TOOL',
    type: 'AGENT.TOOL',
    applies: always,
    build: (c) => ({ type: 'AGENT.TOOL', runId: currentRun(c), phase: 'start', name: 'shell', detail: 'ls' }),
  },
  {
    label: 'AGENT.TOOL stale',
    type: 'AGENT.TOOL',
    applies: always,
    build: (c) => ({
      type: 'AGENT.TOOL',
      runId: staleRun(c),
      phase: 'end',
      name: 'shell',
      detail: '',
      ok: true,
    }),
  },
  {
    label: 'AGENT.DONE',
    type: 'AGENT.DONE',
    applies: always,
    build: (c) => ({ type: 'AGENT.DONE', runId: currentRun(c), result, steeredTaken: [] }),
  },
  {
    label: 'AGENT.DONE (took the steers)',
    type: 'AGENT.DONE',
    applies: (c) => c.steered.length > 0,
    build: (c) => ({
      type: 'AGENT.DONE',
      runId: currentRun(c),
      result,
      steeredTaken: c.steered.map((m) => m.inboxId),
    }),
  },
  {
    label: 'AGENT.DONE stale',
    type: 'AGENT.DONE',
    applies: always,
    build: (c) => ({ type: 'AGENT.DONE', runId: staleRun(c), result }),
  },
  {
    label: 'AGENT.FAILED',
    type: 'AGENT.FAILED',
    applies: always,
    build: (c) => ({ type: 'AGENT.FAILED', runId: currentRun(c), error: 'model unavailable' }),
  },
  {
    label: 'AGENT.FAILED stale',
    type: 'AGENT.FAILED',
    applies: always,
    build: (c) => ({ type: 'AGENT.FAILED', runId: staleRun(c), error: 'late failure' }),
  },
  {
    label: 'AGENT.STOPPED',
    type: 'AGENT.STOPPED',
    applies: always,
    build: (c) => ({ type: 'AGENT.STOPPED', runId: currentRun(c) }),
  },
  {
    label: 'AGENT.STOPPED stale',
    type: 'AGENT.STOPPED',
    applies: always,
    build: (c) => ({ type: 'AGENT.STOPPED', runId: staleRun(c) }),
  },
  {
    label: 'AGENT.APPROVAL_REQUEST',
    type: 'AGENT.APPROVAL_REQUEST',
    applies: always,
    build: (c, env) => ({
      type: 'AGENT.APPROVAL_REQUEST',
      runId: currentRun(c),
      approvalId: env.approvalId(currentRun(c)),
      command: 'rm -rf build',
      reason: 'deletes files',
    }),
  },
  {
    label: 'AGENT.APPROVAL_REQUEST stale',
    type: 'AGENT.APPROVAL_REQUEST',
    applies: always,
    build: (c, env) => ({
      type: 'AGENT.APPROVAL_REQUEST',
      runId: staleRun(c),
      approvalId: env.approvalId(staleRun(c)),
      command: 'rm -rf /',
      reason: 'deletes everything',
    }),
  },
  {
    label: 'AGENT.CLARIFY_REQUEST',
    type: 'AGENT.CLARIFY_REQUEST',
    applies: always,
    build: (c, env) => ({
      type: 'AGENT.CLARIFY_REQUEST',
      runId: currentRun(c),
      clarifyId: env.clarifyId(currentRun(c)),
      question: 'Which environment?',
      choices: ['staging', 'production'],
    }),
  },
  {
    label: 'AGENT.CLARIFY_REQUEST stale',
    type: 'AGENT.CLARIFY_REQUEST',
    applies: always,
    build: (c, env) => ({
      type: 'AGENT.CLARIFY_REQUEST',
      runId: staleRun(c),
      clarifyId: env.clarifyId(staleRun(c)),
      question: 'Which one, again?',
    }),
  },
  {
    label: 'CLARIFY.TIMEOUT',
    type: 'CLARIFY.TIMEOUT',
    applies: always,
    build: (c) => ({ type: 'CLARIFY.TIMEOUT', clarifyId: c.pendingClarification?.clarifyId ?? 'none' }),
  },
  {
    label: 'CLARIFY.TIMEOUT stale',
    type: 'CLARIFY.TIMEOUT',
    applies: always,
    build: (c) => ({
      type: 'CLARIFY.TIMEOUT',
      clarifyId: `${c.pendingClarification?.clarifyId ?? 'none'}:old`,
    }),
  },
  {
    label: 'APPROVAL.RESOLVE approve',
    type: 'APPROVAL.RESOLVE',
    applies: always,
    build: () => ({ type: 'APPROVAL.RESOLVE', approved: true }),
  },
  {
    label: 'APPROVAL.RESOLVE deny',
    type: 'APPROVAL.RESOLVE',
    applies: always,
    build: () => ({ type: 'APPROVAL.RESOLVE', approved: false }),
  },
  {
    label: 'APPROVAL.TIMEOUT',
    type: 'APPROVAL.TIMEOUT',
    applies: always,
    build: (c) => ({ type: 'APPROVAL.TIMEOUT', approvalId: c.pendingApproval?.approvalId ?? 'none' }),
  },
  {
    label: 'APPROVAL.TIMEOUT stale',
    type: 'APPROVAL.TIMEOUT',
    applies: always,
    build: (c) => ({
      type: 'APPROVAL.TIMEOUT',
      approvalId: `${c.pendingApproval?.approvalId ?? 'none'}:old`,
    }),
  },
  { label: 'STOP', type: 'STOP', applies: always, build: () => ({ type: 'STOP' }) },
  {
    label: 'SETTINGS',
    type: 'SETTINGS',
    applies: always,
    build: () => ({ type: 'SETTINGS', patch: { model: 'model-b' } }),
  },
  ...(['manual', 'idle', 'daily'] as const).map(
    (reason): Sample => ({
      label: `SESSION.RESET ${reason}`,
      type: 'SESSION.RESET',
      applies: always,
      build: () => ({ type: 'SESSION.RESET', reason }),
    }),
  ),
  {
    label: 'SESSION.SWITCH',
    type: 'SESSION.SWITCH',
    applies: always,
    build: (c) => ({ type: 'SESSION.SWITCH', conversationId: `${c.sessionKey}/1` }),
  },
  {
    label: 'SESSION.TITLE',
    type: 'SESSION.TITLE',
    applies: always,
    build: () => ({ type: 'SESSION.TITLE', title: 'Build fixes' }),
  },
  {
    label: 'GATEWAY.DRAIN',
    type: 'GATEWAY.DRAIN',
    applies: always,
    build: () => ({ type: 'GATEWAY.DRAIN' }),
  },
  {
    label: 'AUTO_RESUME.EXPIRED',
    type: 'AUTO_RESUME.EXPIRED',
    applies: always,
    build: () => ({ type: 'AUTO_RESUME.EXPIRED' }),
  },
  {
    label: 'agent run crashes',
    type: RUN_CRASH_EVENT,
    crashesRun: true,
    applies: always,
    build: () => ({ type: RUN_CRASH_EVENT, error: new Error('agent run crashed') }),
  },
];

/** The sample with this label. */
export function sampleNamed(label: string): Sample {
  const sample = SAMPLES.find((s) => s.label === label);
  if (!sample) throw new Error(`No sample event named ${label}`);
  return sample;
}
