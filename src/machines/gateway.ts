/**
 * The root gateway machine: `starting → running → draining → stopped`.
 *
 * In `running` it spawns and supervises its children, each with an explicit id:
 * - `directory`: the session directory (activates and passivates session actors),
 * - `scheduler`: the durable scheduler (timers table → events),
 * - `outbox`: the outbox sender,
 * - `cron`: the cron scheduler (ticks every 60 s, runs due jobs),
 * - `adapter:<name>`: one link per platform adapter.
 *
 * Supervision is one-for-one with a restart budget: a failed child is restarted
 * alone, unless it already failed `maxRestarts` times within `windowMs`; then it
 * stays stopped and is reported (never crashing the process). Failures arrive as
 * `CHILD.FAILED` events that carry the time (the machine never reads the clock);
 * an unexpected `xstate.error.actor.*` has no time and stops the child at once.
 *
 * Pure: the child logic (`adapterLink`, `directory`, `scheduler`, `outbox`), the
 * `boot` and `drain` steps and the report actions are provided by the runtime.
 */
import { assign, enqueueActions, fromCallback, fromPromise, setup } from 'xstate';

/** Version of the gateway machine. */
export const GATEWAY_MACHINE_VERSION = 1;

/** The services every running gateway has, besides its adapter links. */
export const SERVICE_IDS = ['directory', 'scheduler', 'outbox', 'cron'] as const;

/** Supervision record of one child. */
export interface ChildStatus {
  status: 'starting' | 'running' | 'stopped';
  /** Epoch ms of the restarts inside the current window. */
  restarts: number[];
  lastError: string | null;
  /** How many times it has been (re)started. */
  attempt: number;
}

/** Context of the gateway machine. */
export interface GatewayContext {
  adapterNames: string[];
  restartBudget: { maxRestarts: number; windowMs: number };
  /** Keyed by child id (`directory`, `adapter:telegram`, ...). */
  children: Record<string, ChildStatus>;
  stopRequested: string | null;
  bootError: string | null;
}

/** What the gateway machine is created with. */
export interface GatewayInput {
  adapterNames: string[];
  restartBudget?: { maxRestarts: number; windowMs: number };
}

/** Events of the gateway machine. */
export type GatewayEvent =
  | { type: 'STOP'; reason: string }
  | { type: 'CHILD.UP'; id: string }
  | { type: 'CHILD.FAILED'; id: string; error: string; at: number };

/** Input of a spawned child. */
export interface ChildInput {
  /** Child id, e.g. `adapter:telegram`. */
  id: string;
  /** 0 on the first start, then counts restarts (for backoff). */
  attempt: number;
}

function childId(name: string): string {
  return `adapter:${name}`;
}

/** The child ids of a gateway's context: its services and its adapter links. */
export function childIds(context: Pick<GatewayContext, 'adapterNames'>): string[] {
  return [...SERVICE_IDS, ...context.adapterNames.map(childId)];
}

function logicFor(id: string): 'adapterLink' | (typeof SERVICE_IDS)[number] {
  return id.startsWith('adapter:') ? 'adapterLink' : (id as (typeof SERVICE_IDS)[number]);
}

const notProvided = (what: string) =>
  fromCallback<GatewayEvent, ChildInput>(() => {
    throw new Error(`The ${what} actor must be provided by the runtime`);
  });

/**
 * The gateway's effects: named placeholders the runtime provides, so the machine stays pure.
 * Their names are `GatewayEffectName`; the runtime's effects are checked against it.
 */
const gatewayEffects = {
  /** Effect: log that a child failed and was restarted. */
  reportRestart: () => {},
  /** Effect: log (error level) that a child exhausted its budget and stays stopped. */
  reportChildStopped: () => {},
  /** Effect: log that boot failed. */
  reportBootFailure: () => {},
  /** Effect: log that draining failed. */
  reportDrainFailure: () => {},
};

/** The names of the gateway machine's effect actions (what the runtime must provide). */
export type GatewayEffectName = keyof typeof gatewayEffects;

/**
 * The gateway machine.
 *
 * @example
 * const gateway = createActor(gatewayMachine.provide({ actors: { boot, drain, directory, scheduler, outbox, adapterLink } }), {
 *   input: { adapterNames: ['api'] },
 * }).start();
 * gateway.send({ type: 'STOP', reason: 'SIGTERM' });
 */
export const gatewayMachine = setup({
  types: {
    context: {} as GatewayContext,
    events: {} as GatewayEvent,
    input: {} as GatewayInput,
  },
  actors: {
    boot: fromPromise<void>(async () => {
      throw new Error('The boot actor must be provided by the runtime');
    }),
    drain: fromPromise<void, { reason: string }>(async () => {
      throw new Error('The drain actor must be provided by the runtime');
    }),
    directory: notProvided('directory'),
    scheduler: notProvided('scheduler'),
    outbox: notProvided('outbox'),
    cron: notProvided('cron'),
    adapterLink: notProvided('adapterLink'),
  },
  guards: {
    withinRestartBudget: ({ context, event }) => {
      if (event.type !== 'CHILD.FAILED') return false;
      const record = context.children[event.id];
      if (!record) return false;
      const recent = record.restarts.filter((t) => t > event.at - context.restartBudget.windowMs);
      return recent.length < context.restartBudget.maxRestarts;
    },
    stopRequested: ({ context }) => context.stopRequested !== null,
  },
  actions: {
    ...gatewayEffects,
    spawnChildren: enqueueActions(({ context, enqueue }) => {
      for (const id of childIds(context)) {
        enqueue.spawnChild(logicFor(id), { id, input: { id, attempt: 0 } satisfies ChildInput });
      }
    }),
    restartChild: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'CHILD.FAILED') return;
      const attempt = (context.children[event.id]?.attempt ?? 0) + 1;
      enqueue.stopChild(event.id);
      enqueue.spawnChild(logicFor(event.id), {
        id: event.id,
        input: { id: event.id, attempt } satisfies ChildInput,
      });
      enqueue.assign({
        children: {
          ...context.children,
          [event.id]: {
            status: 'starting',
            restarts: [
              ...(context.children[event.id]?.restarts ?? []).filter(
                (t) => t > event.at - context.restartBudget.windowMs,
              ),
              event.at,
            ],
            lastError: event.error,
            attempt,
          },
        },
      });
    }),
    stopFailedChild: enqueueActions(({ context, event, enqueue }) => {
      const id = event.type === 'CHILD.FAILED' ? event.id : (event as { type: string }).type.slice(19);
      const error =
        event.type === 'CHILD.FAILED'
          ? event.error
          : String((event as { error?: unknown }).error ?? 'unknown');
      enqueue.stopChild(id);
      const previous = context.children[id];
      enqueue.assign({
        children: {
          ...context.children,
          [id]: {
            status: 'stopped',
            restarts: previous?.restarts ?? [],
            lastError: error,
            attempt: previous?.attempt ?? 0,
          },
        },
      });
    }),
    markUp: assign({
      children: ({ context, event }) => {
        if (event.type !== 'CHILD.UP') return context.children;
        const previous = context.children[event.id];
        if (!previous) return context.children;
        return { ...context.children, [event.id]: { ...previous, status: 'running' as const } };
      },
    }),
    recordStop: assign({
      stopRequested: ({ event }) => (event.type === 'STOP' ? event.reason : 'stop'),
    }),
  },
}).createMachine({
  id: 'gateway',
  context: ({ input }) => {
    const base = {
      adapterNames: input.adapterNames,
      restartBudget: input.restartBudget ?? { maxRestarts: 5, windowMs: 60_000 },
      stopRequested: null,
      bootError: null,
    };
    const children: Record<string, ChildStatus> = {};
    for (const id of childIds(base))
      children[id] = { status: 'starting', restarts: [], lastError: null, attempt: 0 };
    return { ...base, children };
  },
  initial: 'starting',
  states: {
    starting: {
      invoke: {
        id: 'boot',
        src: 'boot',
        onDone: [{ guard: 'stopRequested', target: 'stopped' }, { target: 'running' }],
        onError: {
          target: 'stopped',
          actions: [assign({ bootError: ({ event }) => String(event.error) }), 'reportBootFailure'],
        },
      },
      on: { STOP: { actions: 'recordStop' } },
    },
    running: {
      entry: 'spawnChildren',
      on: {
        'CHILD.UP': { actions: 'markUp' },
        'CHILD.FAILED': [
          { guard: 'withinRestartBudget', actions: ['restartChild', 'reportRestart'] },
          { actions: ['stopFailedChild', 'reportChildStopped'] },
        ],
        'xstate.error.actor.*': { actions: ['stopFailedChild', 'reportChildStopped'] },
        STOP: { target: 'draining', actions: 'recordStop' },
      },
    },
    draining: {
      invoke: {
        id: 'drain',
        src: 'drain',
        input: ({ context }) => ({ reason: context.stopRequested ?? 'stop' }),
        onDone: 'stopped',
        onError: { target: 'stopped', actions: 'reportDrainFailure' },
      },
      on: {
        'CHILD.UP': { actions: 'markUp' },
        'CHILD.FAILED': { actions: 'stopFailedChild' },
        'xstate.error.actor.*': { actions: 'stopFailedChild' },
      },
    },
    stopped: { type: 'final' },
  },
});

/** The gateway machine's type. */
export type GatewayMachine = typeof gatewayMachine;

/** Every actor the gateway machine invokes or spawns, as its `provide` types them (all required). */
export type GatewayActors = Required<NonNullable<Parameters<GatewayMachine['provide']>[0]['actors']>>;
