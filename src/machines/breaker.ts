/**
 * The circuit breaker of one platform adapter. Two regions run side by side:
 *
 * - `connection`: `up.connecting → up.connected`, then `backoff` (attempt n)
 *   after the link drops, back to `up` when the backoff delay ends, or
 *   `needsRelink` after a fatal failure (bad token, logged out): no reconnect
 *   until the operator resumes the platform.
 * - `dispatch`: `running`, `paused` (by the operator: the connection stays, new
 *   inbound messages are dropped) or `pausedByBreaker` (too many retryable
 *   failures inside the window: nothing is dispatched or sent until
 *   `/platform resume`; it never resumes by itself).
 *
 * Every retryable failure (a dropped link, a 429, an upstream 5xx, a network
 * error while sending) is counted with its time; when `threshold` failures fall
 * inside `windowMs`, the breaker trips. Events carry their time (`at`): the
 * machine never reads the clock. The backoff delay is an ordinary `after`
 * timer, restarted on every entry: a restored breaker always starts again at
 * `up.connecting`, so no persisted timer is lost.
 *
 * Pure: the `link` actor (start the adapter, report `LINK.UP` / `LINK.LOST`)
 * and the notice actions are provided by the runtime.
 */
import { assign, enqueueActions, fromCallback, setup } from 'xstate';

/** Version of the breaker machine (persisted with each snapshot). */
export const BREAKER_MACHINE_VERSION = 1;

/** Tuning of a breaker. */
export interface BreakerSettings {
  /** Retryable failures inside the window that trip the breaker. */
  threshold: number;
  /** The counting window. */
  windowMs: number;
  /** First reconnect delay; it doubles per attempt. */
  backoffBaseMs: number;
  /** Longest reconnect delay. */
  backoffMaxMs: number;
}

/** Default tuning: 5 failures in 60 s trip it; reconnects back off 1 s → 60 s. */
export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = {
  threshold: 5,
  windowMs: 60_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 60_000,
};

/** Context of a breaker. */
export interface BreakerContext {
  platform: string;
  settings: BreakerSettings;
  /** Reconnect attempts since the last successful connect. */
  attempt: number;
  /** Times of the retryable failures inside the window. */
  failures: number[];
  lastError: string | null;
  /** Reason code of the last failure (`rate_limited`, `unauthorized`, `needs_relink`, ...). */
  lastReason: string | null;
  /** Delay the platform asked for with its last failure (429 retry_after), in ms. */
  retryAfterMs: number | null;
  /** When the dispatch region last changed (ms since epoch). */
  dispatchSince: number;
  /** When the connection region last changed (ms since epoch). */
  connectionSince: number;
  /** How many times the breaker has tripped. */
  trips: number;
  /** Failures counted when it last tripped. */
  trippedWith: number;
  /** The dispatch state a restored breaker starts in. */
  restoredDispatch: 'running' | 'paused' | 'pausedByBreaker';
}

/** The counters a restored breaker keeps. */
function pickRestored(context: Partial<BreakerContext> | undefined): Partial<BreakerContext> {
  if (!context) return {};
  const { failures, lastError, lastReason, dispatchSince, trips, trippedWith } = context;
  return Object.fromEntries(
    Object.entries({ failures, lastError, lastReason, dispatchSince, trips, trippedWith }).filter(
      ([, v]) => v !== undefined,
    ),
  );
}

/** What a breaker is created with. */
export interface BreakerInput {
  platform: string;
  settings?: Partial<BreakerSettings>;
  /** Creation time. */
  at: number;
  /**
   * The saved state of the breaker's previous life: its dispatch state and
   * counters are kept (a pause or a trip survives a restart), the connection
   * starts again.
   */
  restored?: { dispatch: 'running' | 'paused' | 'pausedByBreaker'; context: Partial<BreakerContext> };
}

/** A failure as the breaker sees it. */
export interface BreakerFailure {
  error: string;
  /** Reason code, when the adapter gave one. */
  reason?: string;
  /** Delay the platform asked for. */
  retryAfterMs?: number;
  at: number;
}

/** Events of a breaker. */
export type BreakerEvent =
  /** The link connected (adapter started). */
  | { type: 'LINK.UP'; at: number }
  /** The link died; `fatal` ones need the operator (no reconnect). */
  | ({ type: 'LINK.LOST'; fatal: boolean } & BreakerFailure)
  /** A retryable failure while the link stays up (a send that failed, a 429, a websocket drop the library repairs). */
  | ({ type: 'FAILURE' } & BreakerFailure)
  /** A fatal failure reported while the link is up (logged out, token revoked). */
  | ({ type: 'FATAL' } & BreakerFailure)
  /** The platform answered again: forget counted failures. */
  | { type: 'HEALTHY'; at: number }
  /** `/platform pause`: keep the connection, drop new inbound messages. */
  | { type: 'PAUSE'; at: number }
  /** `/platform resume`: clears a pause, a trip or a needs-relink. */
  | { type: 'RESUME'; at: number }
  /** Raised internally when the failures inside the window reach the threshold. */
  | { type: 'TRIP' };

/** Input of the link actor. */
export interface LinkInput {
  platform: string;
  attempt: number;
}

/** Reconnect delay for `attempt` (1-based): doubling from the base, capped, never below what the platform asked. */
export function backoffDelayMs(
  context: Pick<BreakerContext, 'attempt' | 'settings' | 'retryAfterMs'>,
): number {
  const { backoffBaseMs, backoffMaxMs } = context.settings;
  const doubling = Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.max(0, context.attempt - 1));
  return Math.max(doubling, context.retryAfterMs ?? 0);
}

type FailureEvent = Extract<BreakerEvent, { type: 'LINK.LOST' | 'FAILURE' }>;

function recentFailures(context: BreakerContext, at: number): number[] {
  return context.failures.filter((t) => t > at - context.settings.windowMs);
}

/**
 * The breaker's effects: named placeholders the runtime provides (`PlatformBreakers`), so the
 * machine stays pure. Their names are `BreakerEffectName`.
 */
const breakerEffects = {
  /** Effect: a notice to another live platform's home channel and an error log line (it tripped). */
  notifyTripped: () => {},
  /** Effect: a notice and an error log line (the platform needs the operator: relink or new token). */
  notifyNeedsRelink: () => {},
  /** Effect: log line (an inbound message will now be dropped, or dispatch resumed). */
  reportDispatch: () => {},
  /** Effect: the outbox may send to this platform again (or must hold its replies). */
  reportConnection: () => {},
};

/** The names of the breaker machine's effect actions (what the runtime must provide). */
export type BreakerEffectName = keyof typeof breakerEffects;

/**
 * The breaker machine.
 *
 * @example
 * const breaker = createActor(breakerMachine.provide({ actors: { link } }), {
 *   input: { platform: 'telegram', at: Date.now() },
 * }).start();
 * breaker.send({ type: 'FAILURE', error: '429 Too Many Requests', reason: 'rate_limited', at: Date.now() });
 */
export const breakerMachine = setup({
  types: {
    context: {} as BreakerContext,
    events: {} as BreakerEvent,
    input: {} as BreakerInput,
  },
  actors: {
    link: fromCallback<BreakerEvent, LinkInput>(() => {
      throw new Error('The link actor must be provided by the runtime');
    }),
  },
  delays: {
    backoff: ({ context }) => backoffDelayMs(context),
  },
  guards: {
    isFatal: ({ event }) => event.type === 'LINK.LOST' && event.fatal,
    restoredPaused: ({ context }) => context.restoredDispatch === 'paused',
    restoredTripped: ({ context }) => context.restoredDispatch === 'pausedByBreaker',
  },
  actions: {
    ...breakerEffects,
    countFailure: enqueueActions(({ context, event, enqueue }) => {
      const failure = event as FailureEvent;
      const failures = [...recentFailures(context, failure.at), failure.at];
      enqueue.assign({
        failures,
        lastError: failure.error,
        lastReason: failure.reason ?? null,
        retryAfterMs: failure.retryAfterMs ?? null,
      });
      if (failures.length >= context.settings.threshold) enqueue.raise({ type: 'TRIP' });
    }),
    recordFatal: assign(({ event }) => {
      const failure = event as Extract<BreakerEvent, { type: 'LINK.LOST' | 'FATAL' }>;
      return {
        lastError: failure.error,
        lastReason: failure.reason ?? 'fatal',
        connectionSince: failure.at,
      };
    }),
    markConnected: assign(({ event }) => ({
      attempt: 0,
      retryAfterMs: null,
      connectionSince: (event as { at: number }).at,
    })),
    nextAttempt: assign(({ context, event }) => ({
      attempt: context.attempt + 1,
      connectionSince: (event as { at: number }).at,
    })),
    recordTrip: assign(({ context }) => ({
      trips: context.trips + 1,
      trippedWith: context.failures.length,
    })),
    clearFailures: assign({ failures: () => [] as number[] }),
    markDispatch: assign({ dispatchSince: ({ event }) => (event as { at?: number }).at ?? 0 }),
    restartAttempts: assign({ attempt: 0, retryAfterMs: null }),
  },
}).createMachine({
  id: 'breaker',
  type: 'parallel',
  context: ({ input }) => ({
    failures: [],
    lastError: null,
    lastReason: null,
    dispatchSince: input.at,
    trips: 0,
    trippedWith: 0,
    restoredDispatch: input.restored?.dispatch ?? 'running',
    ...pickRestored(input.restored?.context),
    platform: input.platform,
    settings: { ...DEFAULT_BREAKER_SETTINGS, ...input.restored?.context?.settings, ...input.settings },
    attempt: 0,
    retryAfterMs: null,
    connectionSince: input.at,
  }),
  on: {
    FAILURE: { actions: 'countFailure' },
    HEALTHY: { actions: 'clearFailures' },
  },
  states: {
    connection: {
      initial: 'up',
      states: {
        up: {
          invoke: {
            id: 'link',
            src: 'link',
            input: ({ context }) => ({ platform: context.platform, attempt: context.attempt }),
          },
          initial: 'connecting',
          states: {
            connecting: {
              on: { 'LINK.UP': { target: 'connected', actions: ['markConnected', 'reportConnection'] } },
            },
            connected: {},
          },
          on: {
            'LINK.LOST': [
              {
                guard: 'isFatal',
                target: 'needsRelink',
                actions: ['recordFatal', 'reportConnection', 'notifyNeedsRelink'],
              },
              { target: 'backoff', actions: ['countFailure', 'nextAttempt', 'reportConnection'] },
            ],
            FATAL: {
              target: 'needsRelink',
              actions: ['recordFatal', 'reportConnection', 'notifyNeedsRelink'],
            },
          },
        },
        backoff: {
          after: { backoff: { target: 'up', reenter: true } },
          on: {
            RESUME: { target: 'up', actions: 'restartAttempts' },
            FATAL: { target: 'needsRelink', actions: ['recordFatal', 'notifyNeedsRelink'] },
          },
        },
        needsRelink: {
          on: { RESUME: { target: 'up', actions: ['restartAttempts', 'clearFailures'] } },
        },
      },
    },
    dispatch: {
      initial: 'restoring',
      states: {
        restoring: {
          always: [
            { guard: 'restoredPaused', target: 'paused' },
            { guard: 'restoredTripped', target: 'pausedByBreaker' },
            { target: 'running' },
          ],
        },
        running: {
          on: {
            PAUSE: { target: 'paused', actions: ['markDispatch', 'reportDispatch'] },
            TRIP: {
              target: 'pausedByBreaker',
              actions: [
                'recordTrip',
                assign({ dispatchSince: ({ context }) => context.failures.at(-1) ?? context.dispatchSince }),
                'notifyTripped',
                'reportConnection',
              ],
            },
          },
        },
        paused: {
          on: {
            RESUME: { target: 'running', actions: ['markDispatch', 'clearFailures', 'reportDispatch'] },
          },
        },
        pausedByBreaker: {
          on: {
            RESUME: {
              target: 'running',
              actions: ['markDispatch', 'clearFailures', 'reportDispatch', 'reportConnection'],
            },
            PAUSE: { target: 'paused', actions: ['markDispatch', 'reportDispatch'] },
          },
        },
      },
    },
  },
});

/** The breaker machine's type. */
export type BreakerMachine = typeof breakerMachine;

/** How `/platform list` and `hermes gateway status` describe a platform. */
export type PlatformStatus =
  | 'connecting'
  | 'running'
  | 'reconnecting'
  | 'paused'
  | 'paused-by-breaker'
  | 'needs-relink';

/** The state of a breaker as the operator reads it. */
export interface BreakerView {
  platform: string;
  status: PlatformStatus;
  /** The last failure, when there was one. */
  lastError: string | null;
  lastReason: string | null;
  /** Since when the platform has this status (ms since epoch). */
  since: number;
  /** Failures counted inside the window now. */
  failures: number;
  /** Reconnect attempt, while reconnecting. */
  attempt: number;
}

/**
 * Describes a breaker snapshot's state for the operator: a pause or trip wins
 * over the connection state, needs-relink wins over everything.
 */
export function breakerView(value: unknown, context: BreakerContext): BreakerView {
  const v = value as { connection: string | { up: string }; dispatch: string };
  const connection = typeof v.connection === 'string' ? v.connection : `up.${v.connection.up}`;
  let status: PlatformStatus;
  let since = context.connectionSince;
  if (connection === 'needsRelink') status = 'needs-relink';
  else if (v.dispatch === 'pausedByBreaker') status = 'paused-by-breaker';
  else if (v.dispatch === 'paused') status = 'paused';
  else if (connection === 'up.connected') status = 'running';
  else if (connection === 'backoff') status = 'reconnecting';
  else status = 'connecting';
  if (status === 'paused' || status === 'paused-by-breaker') since = context.dispatchSince;
  return {
    platform: context.platform,
    status,
    lastError: context.lastError,
    lastReason: context.lastReason,
    since,
    failures: context.failures.length,
    attempt: context.attempt,
  };
}
