/**
 * The session machine: one conversation per chat, as a persisted statechart.
 *
 * States:
 * - `idle`: nothing runs; a message starts a run, a queued follow-up starts at once.
 * - `running`: the agent run is invoked with the explicit id `agentRun`; its
 *   deltas and tool events arrive as events and are handed to provided actions.
 *   Inside it, what a new message does depends on the busy-input mode the
 *   message carries:
 *   - `working` → `interrupting` (mode `interrupt`): the run is told to abort;
 *     every message that arrives until it has stopped is merged into one
 *     prompt, and a new run answers them together with the cut-off turn;
 *   - `working` (mode `queue`): the message waits in the persisted queue
 *     (FIFO, capped; an overflow is told to the user) and runs as its own turn;
 *   - `working` (mode `steer`): the message is handed to the run, which gives it
 *     to the agent after its next tool call; if the run ends without taking it,
 *     it becomes the next turn (never lost);
 *   - `stopping` (`/stop`): the run is aborted, the queue dropped with a notice.
 * - `restartInterrupted`: the gateway stopped (or crashed) while a run was in
 *   flight. The next message of the user resumes the conversation; a durable
 *   timer may expire the resume window.
 * - `resuming`: like `running`, but the agent is told its previous turn was cut
 *   off by a restart and must not re-run its old tool calls.
 * - `running.awaitingClarification` (and in `resuming`): the agent asked the user a
 *   question (the `clarify` tool); the user's next message is the answer, a
 *   durable timer ends the wait without one, `/stop` cancels the run.
 *
 * Pure: no I/O. Effects are named actions (`recordUserTurn`, `commitTurn`, ...)
 * and the `agentRun` actor, all provided from outside with `machine.provide()`.
 * Time and ids come in on events; the machine never reads the clock.
 */
import { assign, enqueueActions, fromCallback, sendTo, setup } from 'xstate';
import type { Attachment, ChatType } from '../adapters/contract.ts';
import type { MediaRef } from '../media/media-ref.ts';

/** Version of the session machine; bump on any change to states or context shape. */
export const SESSION_MACHINE_VERSION = 5;

/** What a message that arrives during a run does. */
export type BusyMode = 'interrupt' | 'queue' | 'steer';

/** Acknowledgements are sent at most once per this many ms per session. */
export const BUSY_ACK_INTERVAL_MS = 30_000;

/** A user message waiting for, or taking part in, a turn. Kept small: the full message stays in the inbox. */
export interface PendingMessage {
  /** Inbox row id. */
  inboxId: number;
  platformMessageId: string;
  userId: string;
  text: string;
  /** The files sent with it, by reference to the media store (never their bytes). */
  attachments: MediaRef[];
  /**
   * What the transcript records instead of `text`, when the agent is given more than the user
   * wrote: a skill's turn records the command line the user typed (`/summarize the report`)
   * while `text` holds the skill's instructions for the agent.
   */
  transcriptText?: string;
}

/** The turn in flight. */
export interface RunInfo {
  /** Unique per session: `<conversationId>#<n>`. */
  runId: string;
  /** The user messages this turn answers (recorded in the transcript when the turn starts). */
  messages: PendingMessage[];
  /** True when this turn resumes one a restart interrupted. */
  resume: boolean;
  /**
   * The turn this run answers: the same for the runs that resume it after a
   * restart or merge into it after an interrupt (`<conversationId>@<first inbox id>`).
   * Side effects of tools are keyed by it, so a resumed turn does not repeat them.
   */
  turnId: string;
}

/** Per-session agent settings (`/model`, `/personality`, `/reasoning`). */
export interface SessionSettings {
  /** `provider:model` or a model name; null for the configured default. */
  model: string | null;
  /** Personality name; null for none. */
  personality: string | null;
  /** Reasoning effort (`none`, `low`, `medium`, `high`); null for the default. */
  reasoning: string | null;
  /** Whether the model's reasoning is shown in the chat. */
  showReasoning: boolean;
  /**
   * Spoken replies (`/voice`): `on` answers voice notes with voice too, `tts` speaks every reply;
   * absent (snapshots from before it existed) reads as `off`.
   */
  voice?: 'off' | 'on' | 'tts';
}

/** Persisted context of a session actor: ids and JSON only. */
export interface SessionContext {
  sessionKey: string;
  platform: string;
  chatType: ChatType;
  chatId: string;
  threadId: string | null;
  /** Current conversation (a reset starts a new one). */
  conversationId: string;
  /** Number of runs started, used to make run ids. */
  runCount: number;
  /** Follow-ups waiting for their own turn (FIFO). */
  queue: PendingMessage[];
  /** The turn in flight, if any. */
  run: RunInfo | null;
  /** The turn a restart cut off, answered together with the next message. */
  interrupted: PendingMessage[] | null;
  /** How many restarts in a row interrupted this session. */
  restartInterruptions: number;
  /** Text of the last failure, for `/status`. */
  lastError: string | null;
  /** Messages that arrived while a run was being interrupted: the next run's prompt. */
  merging: PendingMessage[];
  /** Messages of turns cut off by an interrupt: the next answer answers them too. */
  superseded: PendingMessage[];
  /** Messages handed to the run to steer it; those it did not take become the next turn. */
  steered: PendingMessage[];
  /** Epoch ms of the last busy acknowledgement (from the events' `at`). */
  lastBusyAckAt: number | null;
  settings: SessionSettings;
  /** The dangerous action waiting for the user's approval, if any. */
  pendingApproval: PendingApproval | null;
  /** The question the agent asked the user and waits on, if any. */
  pendingClarification: PendingClarification | null;
  /** Why the conversation was reset automatically, until the user has been told. */
  resetNotice: 'idle' | 'daily' | null;
  /** Titles of this session's conversations, by conversation id (`/title`). */
  titles: Record<string, string>;
}

/** A dangerous action the run asked the user to approve. */
export interface PendingApproval {
  approvalId: string;
  command: string;
  reason: string;
}

/** A question the run asked the user (the `clarify` tool). */
export interface PendingClarification {
  clarifyId: string;
  question: string;
  /** Answers offered, shown as numbered lines; empty for a free answer. */
  choices: string[];
}

/** What a session actor is created with. */
export interface SessionInput {
  sessionKey: string;
  platform: string;
  chatType: ChatType;
  chatId: string;
  threadId?: string | null;
}

/** What a finished run reports. */
export interface RunResult {
  text: string;
  inputTokens: number;
  outputTokens: number;
  model: string | null;
  /** Files the agent produced for the user, ready to send (stored copies). */
  attachments?: Attachment[];
}

/** Events a session accepts. */
export type SessionEvent =
  /**
   * A user message, already durable in the inbox. `mode` says what it does if a
   * run is in flight; `at` is the time it arrived; `queueCap` bounds the queue.
   */
  | { type: 'MESSAGE'; message: PendingMessage; mode?: BusyMode; at?: number; queueCap?: number }
  /** `/stop`: interrupt the run without running anything queued (only meaningful while running). */
  | { type: 'STOP' }
  /** Change per-session settings. */
  | { type: 'SETTINGS'; patch: Partial<SessionSettings> }
  /** A piece of the answer (from the agent run). */
  | { type: 'AGENT.DELTA'; runId: string; text: string }
  /** A tool started or ended (from the agent run). */
  | { type: 'AGENT.TOOL'; runId: string; phase: 'start' | 'end'; name: string; detail: string; ok?: boolean }
  /** The run finished with an answer; `steeredTaken` lists the inbox ids of steer messages the agent received. */
  | { type: 'AGENT.DONE'; runId: string; result: RunResult; steeredTaken?: number[] }
  /** The run failed. */
  | { type: 'AGENT.FAILED'; runId: string; error: string }
  /** The run ended after it was told to abort. */
  | { type: 'AGENT.STOPPED'; runId: string }
  /** A tool of the run needs the user's approval for a dangerous action. */
  | { type: 'AGENT.APPROVAL_REQUEST'; runId: string; approvalId: string; command: string; reason: string }
  /** The run asks the user a question and waits for the answer (the `clarify` tool). */
  | { type: 'AGENT.CLARIFY_REQUEST'; runId: string; clarifyId: string; question: string; choices?: string[] }
  /** Nobody answered the question in time (durable timer): the run goes on without an answer. */
  | { type: 'CLARIFY.TIMEOUT'; clarifyId: string }
  /** `/approve` or `/deny`. */
  | { type: 'APPROVAL.RESOLVE'; approved: boolean }
  /** Nobody answered the approval in time (durable timer): denied. */
  | { type: 'APPROVAL.TIMEOUT'; approvalId: string }
  /** Start a new conversation: `/new` (manual) or the reset policy's durable timer (idle, daily). */
  | { type: 'SESSION.RESET'; reason: 'manual' | 'idle' | 'daily' }
  /** `/resume`: continue an earlier conversation of this session. */
  | { type: 'SESSION.SWITCH'; conversationId: string }
  /** `/title`: name the current conversation. */
  | { type: 'SESSION.TITLE'; title: string }
  /** The gateway is shutting down: a run in flight becomes restart-interrupted. */
  | { type: 'GATEWAY.DRAIN' }
  /** The window for resuming an interrupted turn is over (durable timer). */
  | { type: 'AUTO_RESUME.EXPIRED' };

/** Events the session sends to its agent run. */
export type AgentRunCommand =
  | { type: 'ABORT' }
  | { type: 'STEER'; message: PendingMessage }
  | { type: 'APPROVAL'; approvalId: string; approved: boolean }
  /** The user's answer to a question of the run; null when nobody answered in time. */
  | { type: 'CLARIFY'; clarifyId: string; answer: string | null };

/** Bare words that approve a pending approval. */
export const YES_WORDS = /^(?:y|yes|yep|ok|okay|sure|approve|approved|go ahead|do it)[.!]*$/i;
/** Bare words that deny a pending approval. */
export const NO_WORDS = /^(?:n|no|nope|deny|denied|don'?t|do not|cancel)[.!]*$/i;
const YES = YES_WORDS;
const NO = NO_WORDS;
const textOf = (event: SessionEvent) => (event.type === 'MESSAGE' ? event.message.text.trim() : '');

/** Input of the `agentRun` actor. */
export interface AgentRunInput {
  sessionKey: string;
  conversationId: string;
  platform: string;
  /** Absent in runs saved before it was recorded (read as `dm`). */
  chatType?: ChatType;
  chatId: string;
  threadId: string | null;
  run: RunInfo;
  settings: SessionSettings;
}

/** Default queue cap when a message does not carry one. */
export const DEFAULT_QUEUE_CAP = 32;

/** Default per-session settings. */
export const DEFAULT_SESSION_SETTINGS: SessionSettings = {
  model: null,
  personality: null,
  reasoning: null,
  showReasoning: false,
};

/** States in which a run is in flight: a persisted snapshot in one of these was cut off by a stop or crash. */
export const IN_FLIGHT_STATES = ['running', 'resuming'] as const;

/**
 * The context a cut-off session continues with: every message of the turn in
 * flight (and those merged or steered into it) becomes the interrupted turn.
 * Used by the machine on `GATEWAY.DRAIN` and by the runtime when it restores a
 * snapshot that a crash left in an in-flight state.
 */
export function interruptedContext(context: SessionContext): SessionContext {
  if (!context.run) return context;
  return {
    ...context,
    interrupted: [
      ...(context.interrupted ?? []),
      ...context.superseded,
      ...context.run.messages,
      ...context.merging,
      ...context.steered,
    ],
    run: null,
    merging: [],
    superseded: [],
    steered: [],
    pendingApproval: null,
    pendingClarification: null,
    restartInterruptions: context.restartInterruptions + 1,
  };
}

/** Every message the current turn's answer answers, oldest first. */
export function answeredBy(context: SessionContext): PendingMessage[] {
  return [
    ...(context.run?.resume ? (context.interrupted ?? []) : []),
    ...context.superseded,
    ...(context.run?.messages ?? []),
  ];
}

/** A session interrupted by this many restarts in a row is suspended: its turn is dropped and it starts fresh. */
export const MAX_RESTART_INTERRUPTIONS = 3;

/** The number of a conversation id (`<sessionKey>/<n>`). */
function conversationNumber(conversationId: string): number {
  return Number(conversationId.slice(conversationId.lastIndexOf('/') + 1)) || 1;
}

/** A new conversation: the old transcript stays under its id; nothing interrupted is carried over. */
function freshConversation(context: SessionContext): Partial<SessionContext> {
  return {
    conversationId: `${context.sessionKey}/${conversationNumber(context.conversationId) + 1}`,
    interrupted: null,
    restartInterruptions: 0,
  };
}

function nextRun(
  context: SessionContext,
  messages: PendingMessage[],
  resume: boolean,
  turnId?: string,
): Partial<SessionContext> {
  const runCount = context.runCount + 1;
  const runId = `${context.conversationId}#${runCount}`;
  // a resume answers the cut-off turn first: its first message names the turn
  const first = (resume ? context.interrupted?.[0] : undefined) ?? messages[0];
  const turn = turnId ?? (first ? `${context.conversationId}@${first.inboxId}` : runId);
  return { runCount, run: { runId, messages, resume, turnId: turn } };
}

type MessageEvent = Extract<SessionEvent, { type: 'MESSAGE' }>;
const modeOf = (event: SessionEvent): BusyMode =>
  event.type === 'MESSAGE' ? (event.mode ?? 'queue') : 'queue';

function runState(resume: boolean) {
  const self = resume ? '#session.resuming' : '#session.running';
  return {
    entry: ['recordUserTurn'],
    invoke: {
      id: 'agentRun',
      src: 'agentRun',
      input: ({ context }: { context: SessionContext }): AgentRunInput => ({
        sessionKey: context.sessionKey,
        conversationId: context.conversationId,
        platform: context.platform,
        chatId: context.chatId,
        chatType: context.chatType,
        threadId: context.threadId,
        run: context.run!,
        settings: context.settings,
      }),
      // the run's actor itself failed: nothing it held is lost (steered and merged messages run next)
      onError: {
        target: '#session.idle',
        actions: [
          'reportRunError',
          'reportFailure',
          'requeueUntakenSteers',
          'requeueMerging',
          'clearApproval',
          'clearClarification',
          'clearRun',
        ],
      },
    },
    on: {
      'AGENT.DELTA': { guard: 'isCurrentRun', actions: 'streamDelta' },
      'AGENT.TOOL': { guard: 'isCurrentRun', actions: 'reportTool' },
      SETTINGS: { actions: 'applySettings' },
      'SESSION.TITLE': { actions: 'applyTitle' },
      'GATEWAY.DRAIN': {
        target: '#session.restartInterrupted',
        actions: ['notifyInterrupted', 'markInterrupted'],
      },
    },
    initial: 'working',
    states: {
      working: {
        on: {
          'AGENT.DONE': {
            guard: 'isCurrentRun',
            target: '#session.idle',
            actions: ['commitTurn', 'requeueUntakenSteers', 'clearRun'],
          },
          'AGENT.FAILED': {
            guard: 'isCurrentRun',
            target: '#session.idle',
            actions: ['reportRunError', 'reportFailure', 'requeueUntakenSteers', 'clearRun'],
          },
          MESSAGE: [
            {
              guard: 'wantsInterrupt',
              target: 'interrupting',
              actions: ['acceptMessage', 'collectMerge', 'abortRun', 'acknowledgeBusy'],
            },
            { guard: 'wantsSteer', actions: ['acceptMessage', 'steerRun', 'acknowledgeBusy'] },
            { guard: 'queueFull', actions: ['acceptMessage', 'notifyQueueFull'] },
            { actions: ['acceptMessage', 'enqueue', 'acknowledgeBusy'] },
          ],
          STOP: { target: 'stopping', actions: 'abortRun' },
          'AGENT.APPROVAL_REQUEST': {
            guard: 'isCurrentRun',
            target: 'awaitingApproval',
            actions: ['recordApproval', 'askApproval'],
          },
          'AGENT.CLARIFY_REQUEST': {
            guard: 'isCurrentRun',
            target: 'awaitingClarification',
            actions: ['recordClarification', 'askClarification'],
          },
        },
      },
      awaitingClarification: {
        on: {
          // whatever the busy mode, the next message is the answer
          MESSAGE: {
            target: 'working',
            actions: ['acceptMessage', 'answerClarification', 'closeClarification', 'clearClarification'],
          },
          'CLARIFY.TIMEOUT': {
            guard: 'isPendingClarification',
            target: 'working',
            actions: ['answerClarification', 'notifyClarificationTimedOut', 'clearClarification'],
          },
          STOP: { target: 'stopping', actions: ['closeClarification', 'clearClarification', 'abortRun'] },
        },
      },
      awaitingApproval: {
        on: {
          'APPROVAL.RESOLVE': {
            target: 'working',
            actions: ['answerApproval', 'closeApproval', 'clearApproval'],
          },
          'APPROVAL.TIMEOUT': {
            guard: 'isPendingApproval',
            target: 'working',
            actions: ['answerApproval', 'notifyApprovalTimedOut', 'clearApproval'],
          },
          MESSAGE: [
            {
              guard: 'saysYes',
              target: 'working',
              actions: ['acceptMessage', 'answerApproval', 'closeApproval', 'clearApproval'],
            },
            {
              guard: 'saysNo',
              target: 'working',
              actions: ['acceptMessage', 'answerApproval', 'closeApproval', 'clearApproval'],
            },
            {
              guard: 'wantsInterrupt',
              target: 'interrupting',
              actions: [
                'acceptMessage',
                'collectMerge',
                'closeApproval',
                'clearApproval',
                'abortRun',
                'acknowledgeBusy',
              ],
            },
            { guard: 'wantsSteer', actions: ['acceptMessage', 'steerRun', 'acknowledgeBusy'] },
            { guard: 'queueFull', actions: ['acceptMessage', 'notifyQueueFull'] },
            { actions: ['acceptMessage', 'enqueue', 'acknowledgeBusy'] },
          ],
          STOP: { target: 'stopping', actions: ['closeApproval', 'clearApproval', 'abortRun'] },
        },
      },
      interrupting: {
        on: {
          MESSAGE: { actions: ['acceptMessage', 'collectMerge'] },
          // the merged run stays a resume when the interrupted one was (it still answers the cut-off turn)
          'AGENT.STOPPED': { guard: 'isCurrentRun', target: self, reenter: true, actions: 'startMergedRun' },
          'AGENT.DONE': { guard: 'isCurrentRun', target: self, reenter: true, actions: 'startMergedRun' },
          'AGENT.FAILED': { guard: 'isCurrentRun', target: self, reenter: true, actions: 'startMergedRun' },
          STOP: 'stopping',
        },
      },
      stopping: {
        entry: ['notifyStopped', 'dropQueue'],
        on: {
          MESSAGE: { actions: ['acceptMessage', 'enqueue'] },
          'AGENT.STOPPED': {
            guard: 'isCurrentRun',
            target: '#session.idle',
            actions: ['closeStoppedTurn', 'clearRun'],
          },
          'AGENT.DONE': {
            guard: 'isCurrentRun',
            target: '#session.idle',
            actions: ['closeStoppedTurn', 'clearRun'],
          },
          'AGENT.FAILED': {
            guard: 'isCurrentRun',
            target: '#session.idle',
            actions: ['closeStoppedTurn', 'clearRun'],
          },
        },
      },
    },
    meta: { resume },
  } as const;
}

/**
 * The session's effects: named placeholders the runtime provides (`createSessionEffects`),
 * so the machine stays pure. Their names are `SessionEffectName`; the runtime's effects
 * are checked against it.
 */
const sessionEffects = {
  /** Effect: mark the message's inbox row delivered (it is now in this snapshot). */
  acceptMessage: () => {},
  /** Effect: record the turn's user messages in the transcript. */
  recordUserTurn: () => {},
  /** Effect: stream a delta to the chat where the adapter can. */
  streamDelta: () => {},
  /** Effect: report a tool's start or end (tool progress). */
  reportTool: () => {},
  /** Effect: commit the answer (transcript, outbox, inbox done) in one write. */
  commitTurn: () => {},
  /** Effect: tell the user the run failed (outbox) and close its inbox rows. */
  reportFailure: () => {},
  /** Effect: tell the user that a restart interrupted the run. */
  notifyInterrupted: () => {},
  /** Effect: close the inbox rows of an interrupted turn nobody resumed. */
  abandonInterrupted: () => {},
  /** Effect: arm (or cancel) the reset policy's durable timer for this session. */
  scheduleReset: () => {},
  /** Effect: tell the user the conversation was reset automatically and how to get it back. */
  notifyReset: () => {},
  /** Effect: show the approval prompt and arm the durable approval timeout. */
  askApproval: () => {},
  /** Effect: cancel the approval timeout, close an answering message, confirm approved or denied. */
  closeApproval: () => {},
  /** Effect: tell the user nobody answered in time and the action was denied. */
  notifyApprovalTimedOut: () => {},
  /** Effect: show the agent's question (choices as numbered lines) and arm the durable clarify timeout. */
  askClarification: () => {},
  /** Effect: cancel the clarify timeout; record an answering message in the transcript and close it. */
  closeClarification: () => {},
  /** Effect: tell the user nobody answered the question in time and the agent goes on without it. */
  notifyClarificationTimedOut: () => {},
  /** Effect: tell the user the interrupted turn was dropped after too many restarts and a fresh conversation starts. */
  notifySuspended: () => {},
  /** Effect: send ⚡ / ⏳ / ⏩ for the event's mode (called at most once per BUSY_ACK_INTERVAL_MS). */
  sendBusyAck: () => {},
  /** Effect: tell the user the queue is full and this message was not queued. */
  notifyQueueFull: () => {},
  /** Effect: tell the user the run is being stopped; close the inbox rows of the dropped queue and merge. */
  notifyStopped: () => {},
  /** Effect: close the inbox rows of a stopped turn (and of the steer messages it held). */
  closeStoppedTurn: () => {},
};

/** The names of the session machine's effect actions (what the runtime must provide). */
export type SessionEffectName = keyof typeof sessionEffects;

/**
 * The session machine.
 *
 * @example
 * const actor = createActor(sessionMachine.provide({ actors: { agentRun }, actions: effects }), {
 *   input: { sessionKey: 'telegram:dm:42', platform: 'telegram', chatType: 'dm', chatId: '42' },
 * }).start();
 * actor.send({ type: 'MESSAGE', message: { inboxId: 1, platformMessageId: '7', userId: '42', text: 'hi', attachments: [] } });
 */
export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    input: {} as SessionInput,
  },
  actors: {
    /** Runs the agent for `input.run`; sends AGENT.* events back; takes ABORT and STEER. Provided by the runtime. */
    agentRun: fromCallback<AgentRunCommand, AgentRunInput>(() => {
      throw new Error('The agentRun actor must be provided by the runtime');
    }),
  },
  guards: {
    isCurrentRun: ({ context, event }) => 'runId' in event && context.run?.runId === event.runId,
    hasQueue: ({ context }) => context.queue.length > 0,
    wantsInterrupt: ({ event }) => modeOf(event) === 'interrupt',
    wantsSteer: ({ event }) => modeOf(event) === 'steer',
    saysYes: ({ event }) => YES.test(textOf(event)),
    saysNo: ({ event }) => NO.test(textOf(event)),
    isPendingApproval: ({ context, event }) =>
      event.type === 'APPROVAL.TIMEOUT' && context.pendingApproval?.approvalId === event.approvalId,
    isPendingClarification: ({ context, event }) =>
      event.type === 'CLARIFY.TIMEOUT' && context.pendingClarification?.clarifyId === event.clarifyId,
    interruptedTooOften: ({ context }) => context.restartInterruptions >= MAX_RESTART_INTERRUPTIONS,
    queueFull: ({ context, event }) =>
      context.queue.length >= ((event as MessageEvent).queueCap ?? DEFAULT_QUEUE_CAP),
  },
  actions: {
    ...sessionEffects,
    reportRunError: assign({
      lastError: ({ event }) => String((event as { error?: unknown }).error ?? 'agent run failed'),
    }),
    /** Ends the turn; a finished resume also closes the interrupted turn it answered. */
    clearRun: assign(({ context }) => ({
      run: null,
      superseded: [],
      steered: [],
      ...(context.run?.resume ? { interrupted: null, restartInterruptions: 0 } : {}),
    })),
    enqueue: assign({
      queue: ({ context, event }) =>
        event.type === 'MESSAGE' ? [...context.queue, event.message] : context.queue,
    }),
    collectMerge: assign({
      merging: ({ context, event }) =>
        event.type === 'MESSAGE' ? [...context.merging, event.message] : context.merging,
    }),
    abortRun: sendTo('agentRun', { type: 'ABORT' } satisfies AgentRunCommand),
    steerRun: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'MESSAGE') return;
      enqueue.sendTo('agentRun', { type: 'STEER', message: event.message } satisfies AgentRunCommand);
      enqueue.assign({ steered: [...context.steered, event.message] });
    }),
    /** Steer messages the run ended without giving to the agent go to the front of the queue. */
    requeueUntakenSteers: assign({
      queue: ({ context, event }) => {
        const taken = new Set(event.type === 'AGENT.DONE' ? (event.steeredTaken ?? []) : []);
        return [...context.steered.filter((m) => !taken.has(m.inboxId)), ...context.queue];
      },
    }),
    /** The interrupted turn is superseded: the merged messages become the next run of the same turn. */
    startMergedRun: assign(({ context }) => ({
      ...nextRun(context, context.merging, context.run?.resume ?? false, context.run?.turnId),
      superseded: [...context.superseded, ...(context.run?.messages ?? []), ...context.steered],
      merging: [],
      steered: [],
    })),
    dropQueue: assign({ queue: [], merging: [] }),
    requeueMerging: assign(({ context }) => ({ queue: [...context.merging, ...context.queue], merging: [] })),
    recordApproval: assign({
      pendingApproval: ({ event }) =>
        event.type === 'AGENT.APPROVAL_REQUEST'
          ? { approvalId: event.approvalId, command: event.command, reason: event.reason }
          : null,
    }),
    clearApproval: assign({ pendingApproval: null }),
    recordClarification: assign({
      pendingClarification: ({ event }) =>
        event.type === 'AGENT.CLARIFY_REQUEST'
          ? { clarifyId: event.clarifyId, question: event.question, choices: event.choices ?? [] }
          : null,
    }),
    clearClarification: assign({ pendingClarification: null }),
    /** Tells the run the answer: the text of the answering message, null when the wait timed out. */
    answerClarification: enqueueActions(({ context, event, enqueue }) => {
      if (!context.pendingClarification) return;
      enqueue.sendTo('agentRun', {
        type: 'CLARIFY',
        clarifyId: context.pendingClarification.clarifyId,
        answer: event.type === 'MESSAGE' ? event.message.text : null,
      } satisfies AgentRunCommand);
    }),
    /** Tells the run the answer: approved by APPROVAL.RESOLVE or a yes word; denied otherwise. */
    answerApproval: enqueueActions(({ context, event, enqueue }) => {
      if (!context.pendingApproval) return;
      const approved =
        event.type === 'APPROVAL.RESOLVE'
          ? event.approved
          : event.type === 'MESSAGE'
            ? YES.test(textOf(event))
            : false;
      enqueue.sendTo('agentRun', {
        type: 'APPROVAL',
        approvalId: context.pendingApproval.approvalId,
        approved,
      } satisfies AgentRunCommand);
    }),
    acknowledgeBusy: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'MESSAGE') return;
      const at = event.at ?? 0;
      if (context.lastBusyAckAt !== null && at - context.lastBusyAckAt < BUSY_ACK_INTERVAL_MS) return;
      enqueue('sendBusyAck');
      enqueue.assign({ lastBusyAckAt: at });
    }),
    applyTitle: assign({
      titles: ({ context, event }) =>
        event.type === 'SESSION.TITLE'
          ? { ...context.titles, [context.conversationId]: event.title }
          : context.titles,
    }),
    applySettings: assign({
      settings: ({ context, event }) =>
        event.type === 'SETTINGS' ? { ...context.settings, ...event.patch } : context.settings,
    }),
    markInterrupted: assign(({ context }) => interruptedContext(context)),
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => ({
    sessionKey: input.sessionKey,
    platform: input.platform,
    chatType: input.chatType,
    chatId: input.chatId,
    threadId: input.threadId ?? null,
    conversationId: `${input.sessionKey}/1`,
    runCount: 0,
    queue: [],
    run: null,
    interrupted: null,
    restartInterruptions: 0,
    lastError: null,
    merging: [],
    superseded: [],
    steered: [],
    lastBusyAckAt: null,
    settings: DEFAULT_SESSION_SETTINGS,
    pendingApproval: null,
    pendingClarification: null,
    resetNotice: null,
    titles: {},
  }),
  initial: 'idle',
  states: {
    idle: {
      entry: 'scheduleReset',
      always: {
        guard: 'hasQueue',
        target: 'running',
        actions: assign(({ context }) => ({
          ...nextRun(context, context.queue.slice(0, 1), false),
          queue: context.queue.slice(1),
        })),
      },
      on: {
        MESSAGE: {
          target: 'running',
          actions: [
            'acceptMessage',
            'notifyReset',
            assign(({ context, event }) => ({
              ...nextRun(context, [event.message], false),
              resetNotice: null,
            })),
          ],
        },
        SETTINGS: { actions: 'applySettings' },
        'SESSION.RESET': {
          actions: assign(({ context, event }) => ({
            ...freshConversation(context),
            resetNotice: event.reason === 'manual' ? null : event.reason,
          })),
        },
        'SESSION.SWITCH': {
          actions: assign({ conversationId: ({ event }) => event.conversationId, resetNotice: null }),
        },
        'SESSION.TITLE': { actions: 'applyTitle' },
      },
    },
    running: runState(false),
    restartInterrupted: {
      on: {
        MESSAGE: [
          {
            // the same turn was cut off by several restarts in a row: it may be what breaks the gateway
            guard: 'interruptedTooOften',
            target: 'running',
            actions: [
              'acceptMessage',
              'notifySuspended',
              assign(({ context, event }) => ({
                ...freshConversation(context),
                ...nextRun({ ...context, ...freshConversation(context) }, [event.message], false),
              })),
            ],
          },
          {
            target: 'resuming',
            actions: [
              'acceptMessage',
              assign(({ context, event }) => nextRun(context, [event.message], true)),
            ],
          },
        ],
        'AUTO_RESUME.EXPIRED': {
          target: 'idle',
          actions: ['abandonInterrupted', assign({ interrupted: null, restartInterruptions: 0 })],
        },
        SETTINGS: { actions: 'applySettings' },
      },
    },
    resuming: runState(true),
  },
});

/** The session machine's type. */
export type SessionMachine = typeof sessionMachine;
