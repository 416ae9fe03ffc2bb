/**
 * The session machine: one conversation per chat, as a persisted statechart.
 *
 * States:
 * - `idle`: nothing runs; a message starts a run, a queued follow-up starts at once.
 * - `running`: the agent run is invoked with the explicit id `agentRun`; its
 *   deltas and tool events arrive as events and are handed to provided actions.
 * - `restartInterrupted`: the gateway stopped (or crashed) while a run was in
 *   flight. The next message of the user resumes the conversation; a durable
 *   timer may expire the resume window.
 * - `resuming`: like `running`, but the agent is told its previous turn was cut
 *   off by a restart and must not re-run its old tool calls.
 *
 * Pure: no I/O. Effects are named actions (`recordUserTurn`, `commitTurn`, ...)
 * and the `agentRun` actor, all provided from outside with `machine.provide()`.
 * Time and ids come in on events; the machine never reads the clock.
 *
 * Busy input: a `MESSAGE` that arrives while a run is in flight goes to
 * `onBusyMessage`, the single place where the busy-input modes (interrupt,
 * queue, steer) attach. The default queues it as its own next turn, FIFO, in the
 * persisted context, so it survives a restart.
 */
import { assign, fromCallback, setup } from 'xstate';
import type { ChatType } from '../adapters/contract.ts';

/** Version of the session machine; bump on any change to states or context shape. */
export const SESSION_MACHINE_VERSION = 1;

/** A user message waiting for, or taking part in, a turn. Kept small: the full message stays in the inbox. */
export interface PendingMessage {
  /** Inbox row id. */
  inboxId: number;
  platformMessageId: string;
  userId: string;
  text: string;
}

/** The turn in flight. */
export interface RunInfo {
  /** Unique per session: `<conversationId>#<n>`. */
  runId: string;
  /** The user messages this turn answers (recorded in the transcript when the turn starts). */
  messages: PendingMessage[];
  /** True when this turn resumes one a restart interrupted. */
  resume: boolean;
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
}

/** Events a session accepts. */
export type SessionEvent =
  /** A user message, already durable in the inbox. */
  | { type: 'MESSAGE'; message: PendingMessage }
  /** A piece of the answer (from the agent run). */
  | { type: 'AGENT.DELTA'; runId: string; text: string }
  /** A tool started or ended (from the agent run). */
  | { type: 'AGENT.TOOL'; runId: string; phase: 'start' | 'end'; name: string; detail: string; ok?: boolean }
  /** The run finished with an answer. */
  | { type: 'AGENT.DONE'; runId: string; result: RunResult }
  /** The run failed. */
  | { type: 'AGENT.FAILED'; runId: string; error: string }
  /** The gateway is shutting down: a run in flight becomes restart-interrupted. */
  | { type: 'GATEWAY.DRAIN' }
  /** The window for resuming an interrupted turn is over (durable timer). */
  | { type: 'AUTO_RESUME.EXPIRED' };

/** Input of the `agentRun` actor. */
export interface AgentRunInput {
  sessionKey: string;
  conversationId: string;
  platform: string;
  chatId: string;
  threadId: string | null;
  run: RunInfo;
}

/** States in which a run is in flight: a persisted snapshot in one of these was cut off by a stop or crash. */
export const IN_FLIGHT_STATES = ['running', 'resuming'] as const;

/**
 * The context a cut-off session continues with: the run in flight becomes the
 * interrupted turn. Used by the machine on `GATEWAY.DRAIN` and by the runtime
 * when it restores a snapshot that a crash left in an in-flight state.
 */
export function interruptedContext(context: SessionContext): SessionContext {
  if (!context.run) return context;
  return {
    ...context,
    interrupted: [...(context.interrupted ?? []), ...context.run.messages],
    run: null,
    restartInterruptions: context.restartInterruptions + 1,
  };
}

function nextRun(
  context: SessionContext,
  messages: PendingMessage[],
  resume: boolean,
): Partial<SessionContext> {
  const runCount = context.runCount + 1;
  return { runCount, run: { runId: `${context.conversationId}#${runCount}`, messages, resume } };
}

function runState(resume: boolean) {
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
        threadId: context.threadId,
        run: context.run!,
      }),
      onError: { target: 'idle', actions: ['reportRunError', 'reportFailure', 'clearRun'] },
    },
    on: {
      'AGENT.DELTA': { guard: 'isCurrentRun', actions: 'streamDelta' },
      'AGENT.TOOL': { guard: 'isCurrentRun', actions: 'reportTool' },
      'AGENT.DONE': { guard: 'isCurrentRun', target: 'idle', actions: ['commitTurn', 'clearRun'] },
      'AGENT.FAILED': {
        guard: 'isCurrentRun',
        target: 'idle',
        actions: ['reportRunError', 'reportFailure', 'clearRun'],
      },
      MESSAGE: { actions: ['acceptMessage', 'onBusyMessage'] },
      'GATEWAY.DRAIN': { target: 'restartInterrupted', actions: ['notifyInterrupted', 'markInterrupted'] },
    },
    meta: { resume },
  } as const;
}

/**
 * The session machine.
 *
 * @example
 * const actor = createActor(sessionMachine.provide({ actors: { agentRun }, actions: effects }), {
 *   input: { sessionKey: 'telegram:dm:42', platform: 'telegram', chatType: 'dm', chatId: '42' },
 * }).start();
 * actor.send({ type: 'MESSAGE', message: { inboxId: 1, platformMessageId: '7', userId: '42', text: 'hi' } });
 */
export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    input: {} as SessionInput,
  },
  actors: {
    /** Runs the agent for `input.run`; sends AGENT.* events back. Provided by the runtime. */
    agentRun: fromCallback<SessionEvent, AgentRunInput>(() => {
      throw new Error('The agentRun actor must be provided by the runtime');
    }),
  },
  guards: {
    isCurrentRun: ({ context, event }) => 'runId' in event && context.run?.runId === event.runId,
    hasQueue: ({ context }) => context.queue.length > 0,
  },
  actions: {
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
    /** Effect: tell the user that a restart interrupted the run (optional). */
    notifyInterrupted: () => {},
    /** Effect: close the inbox rows of an interrupted turn nobody resumed. */
    abandonInterrupted: () => {},
    reportRunError: assign({
      lastError: ({ event }) => String((event as { error?: unknown }).error ?? 'agent run failed'),
    }),
    /** Ends the turn; a finished resume also closes the interrupted turn it answered. */
    clearRun: assign(({ context }) =>
      context.run?.resume ? { run: null, interrupted: null, restartInterruptions: 0 } : { run: null },
    ),
    /** Busy-input extension point: the default queues the follow-up as its own next turn. */
    onBusyMessage: assign({
      queue: ({ context, event }) =>
        event.type === 'MESSAGE' ? [...context.queue, event.message] : context.queue,
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
  }),
  initial: 'idle',
  states: {
    idle: {
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
            assign(({ context, event }) => nextRun(context, [event.message], false)),
          ],
        },
      },
    },
    running: runState(false),
    restartInterrupted: {
      on: {
        MESSAGE: {
          target: 'resuming',
          actions: ['acceptMessage', assign(({ context, event }) => nextRun(context, [event.message], true))],
        },
        'AUTO_RESUME.EXPIRED': {
          target: 'idle',
          actions: ['abandonInterrupted', assign({ interrupted: null, restartInterruptions: 0 })],
        },
      },
    },
    resuming: runState(true),
  },
});

/** The session machine's type. */
export type SessionMachine = typeof sessionMachine;
