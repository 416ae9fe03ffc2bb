/**
 * The inspection feed: receives the XState inspection events of every
 * gateway, session, breaker and background-task actor (`createGateway({ inspect })`),
 * keeps the latest state value of each, and tells its listeners about every
 * change as plain JSON the operator page can use.
 */
import type { InspectionEvent } from 'xstate';

/** The machines whose actors the operator page shows, by machine id. */
export const INSPECTED_MACHINES = ['gateway', 'session', 'breaker', 'backgroundTask'] as const;

/** One of {@link INSPECTED_MACHINES}. */
export type InspectedMachine = (typeof INSPECTED_MACHINES)[number];

/** An actor's state, as the operator page receives it. */
export interface ActorState {
  /** The machine id (`session`, `breaker`, `backgroundTask`, `gateway`). */
  machine: InspectedMachine;
  /** What the operator knows it by: the session key, platform name, task id, or `gateway`. */
  key: string;
  /** The XState state value (a string, or an object for nested and parallel states). */
  value: unknown;
  /** `active`, `done`, `error` or `stopped`. */
  status: string;
  /** The type of the event that led to this state. */
  event: string;
}

/** Reads the operator's key of an actor from its machine and context. */
function keyOf(machine: InspectedMachine, context: Record<string, unknown>): string | undefined {
  const field =
    machine === 'session'
      ? context.sessionKey
      : machine === 'breaker'
        ? context.platform
        : machine === 'backgroundTask'
          ? context.taskId
          : 'gateway';
  return typeof field === 'string' ? field : undefined;
}

/** The machine id of an actor's logic, when it is a machine the page shows. */
function machineOf(logic: unknown): InspectedMachine | undefined {
  const id = (logic as { id?: unknown; root?: unknown } | undefined)?.id;
  if ((logic as { root?: unknown } | undefined)?.root === undefined) return undefined;
  return (INSPECTED_MACHINES as readonly unknown[]).includes(id) ? (id as InspectedMachine) : undefined;
}

/**
 * Turns inspection events into actor states.
 *
 * @example
 * const feed = new InspectionFeed();
 * const gateway = createGateway({ store, agent, adapters, inspect: feed.inspect });
 * feed.subscribe((state) => console.log(state.machine, state.key, state.value));
 */
export class InspectionFeed {
  /** The latest state of each breaker and of the gateway (a few; sessions and tasks have their views). */
  readonly #latest = new Map<string, ActorState>();
  /** The last state told of each actor, to skip events that changed only its context (held weakly). */
  readonly #told = new WeakMap<object, string>();
  readonly #listeners = new Set<(state: ActorState) => void>();
  readonly #next: ((event: InspectionEvent) => void) | undefined;

  /** @param next another inspector that receives every event too (an embedder's own). */
  constructor(next?: (event: InspectionEvent) => void) {
    this.#next = next;
  }

  /** The inspector to pass to `createGateway({ inspect })`. */
  inspect = (event: InspectionEvent): void => {
    this.#next?.(event);
    if (event.type !== '@xstate.snapshot') return;
    const machine = machineOf((event.actorRef as unknown as { logic?: unknown }).logic);
    if (!machine) return;
    const snapshot = event.snapshot as {
      value?: unknown;
      status?: string;
      context?: Record<string, unknown>;
    };
    const key = keyOf(machine, snapshot.context ?? {});
    if (key === undefined) return;
    const state: ActorState = {
      machine,
      key,
      value: snapshot.value,
      status: snapshot.status ?? 'active',
      event: event.event.type,
    };
    if (machine === 'breaker' || machine === 'gateway') this.#latest.set(`${machine}:${key}`, state);
    const told = JSON.stringify([state.status, state.value]);
    if (this.#told.get(event.actorRef) === told) return;
    this.#told.set(event.actorRef, told);
    for (const listener of this.#listeners) {
      try {
        listener(state);
      } catch {
        // a listener that throws (a closed stream) must not stop the others
      }
    }
  };

  /** The latest state of a breaker (by platform) or of the gateway (`gateway`), if one was seen. */
  latest(machine: 'breaker' | 'gateway', key: string): ActorState | undefined {
    return this.#latest.get(`${machine}:${key}`);
  }

  /** Adds a listener of state changes; returns its unsubscribe function. */
  subscribe(listener: (state: ActorState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
