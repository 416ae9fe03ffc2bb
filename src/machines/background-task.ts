/**
 * A background task (`/background <prompt>`): an independent agent run whose
 * result goes back to the chat that asked for it.
 *
 * `pending → running → succeeded | failed → delivered`. The run is an invoked
 * actor (`runTask`); the result is handed to the outbox by the `deliverResult`
 * effect with one idempotency key per task, and `DELIVERED` closes the task.
 *
 * Restarts: a task restored in `pending` starts; one restored in `running` was
 * cut off by the restart, and its tool calls may have had effects, so it is
 * never re-run blindly: it goes to `failed` with `RESTARTED` and the user is
 * told to send it again. Tasks restored in `succeeded` or `failed` deliver
 * again (the outbox keeps that to one message).
 *
 * Pure: `runTask` and `deliverResult` are provided by the runtime.
 */
import { assign, fromPromise, setup } from 'xstate';

/** Version of the background-task machine (persisted with each snapshot). */
export const BACKGROUND_TASK_MACHINE_VERSION = 1;

/** The chat a task answers to. */
export interface TaskOrigin {
  platform: string;
  chatId: string;
  chatType: 'dm' | 'group' | 'channel' | 'thread';
  threadId?: string;
  /** The session of the chat that started it (its model and settings are used). */
  sessionKey: string;
  /** The `/background` message. */
  platformMessageId: string;
}

/** Context of a background task. */
export interface BackgroundTaskContext {
  taskId: string;
  prompt: string;
  origin: TaskOrigin;
  /** The chat's model, personality and reasoning settings at the time it started (ids and JSON only). */
  settings: Record<string, unknown>;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  result: string | null;
  error: string | null;
  usage: { inputTokens: number; outputTokens: number } | null;
}

/** What a task is created with. */
export interface BackgroundTaskInput {
  taskId: string;
  prompt: string;
  origin: TaskOrigin;
  settings?: Record<string, unknown>;
  at: number;
}

/** What the run returns. */
export interface TaskRunOutput {
  text: string;
  usage: { inputTokens: number; outputTokens: number };
}

/** Events of a background task. */
export type BackgroundTaskEvent =
  /** Start the run (sent by the runtime once the task row is saved). */
  | { type: 'START'; at: number }
  /** The result reached the outbox. */
  | { type: 'DELIVERED'; at: number }
  /** The gateway restarted while the task ran. */
  | { type: 'RESTARTED'; at: number };

/** The background task's effects: named placeholders the runtime provides (`BackgroundTasks`). */
const backgroundTaskEffects = {
  /** Effect: queue "✅ Background task complete" or "❌ Background task failed" to the origin chat, then send DELIVERED. */
  deliverResult: () => {},
};

/** The names of the background task machine's effect actions (what the runtime must provide). */
export type BackgroundTaskEffectName = keyof typeof backgroundTaskEffects;

/**
 * The background-task machine.
 *
 * @example
 * const task = createActor(backgroundTaskMachine.provide({ actors: { runTask }, actions: { deliverResult } }), {
 *   input: { taskId: 'bg_120000_a1b2c3', prompt: 'summarise the logs', origin, at: Date.now() },
 * }).start();
 * task.send({ type: 'START', at: Date.now() });
 */
export const backgroundTaskMachine = setup({
  types: {
    context: {} as BackgroundTaskContext,
    events: {} as BackgroundTaskEvent,
    input: {} as BackgroundTaskInput,
  },
  actors: {
    runTask: fromPromise<TaskRunOutput, BackgroundTaskContext>(async () => {
      throw new Error('The runTask actor must be provided by the runtime');
    }),
  },
  actions: backgroundTaskEffects,
}).createMachine({
  id: 'backgroundTask',
  context: ({ input }) => ({
    taskId: input.taskId,
    prompt: input.prompt,
    origin: input.origin,
    settings: input.settings ?? {},
    createdAt: input.at,
    startedAt: null,
    finishedAt: null,
    result: null,
    error: null,
    usage: null,
  }),
  initial: 'pending',
  states: {
    pending: {
      on: {
        START: { target: 'running', actions: assign({ startedAt: ({ event }) => event.at }) },
      },
    },
    running: {
      invoke: {
        id: 'run',
        src: 'runTask',
        input: ({ context }) => context,
        onDone: {
          target: 'succeeded',
          actions: assign({
            result: ({ event }) => event.output.text,
            usage: ({ event }) => event.output.usage,
          }),
        },
        onError: {
          target: 'failed',
          actions: assign({ error: ({ event }) => errorMessage(event.error) }),
        },
      },
      on: {
        RESTARTED: {
          target: 'failed',
          actions: assign({
            error: 'the gateway restarted while it ran; send /background again to run it anew',
            finishedAt: ({ event }) => event.at,
          }),
        },
      },
    },
    succeeded: {
      entry: 'deliverResult',
      on: { DELIVERED: { target: 'delivered', actions: assign({ finishedAt: ({ event }) => event.at }) } },
    },
    failed: {
      entry: 'deliverResult',
      on: { DELIVERED: { target: 'delivered', actions: assign({ finishedAt: ({ event }) => event.at }) } },
    },
    delivered: { type: 'final' },
  },
});

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The background-task machine's type. */
export type BackgroundTaskMachine = typeof backgroundTaskMachine;
