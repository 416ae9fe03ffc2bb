/**
 * Readable names for the parts of an XState v5 machine definition that appear on a
 * diagram: events, guards, actions, delays and invoked actors. Both the Mermaid and
 * the DOT generator use these, so the two diagrams of a machine carry the same words.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';

/** Prefix of the events XState raises for delayed (`after`) transitions. */
const AFTER_PREFIX = 'xstate.after.';
/** Prefix of the event an invoked actor sends when it completes. */
const DONE_ACTOR_PREFIX = 'xstate.done.actor.';
/** Prefix of the event an invoked actor sends when it fails. */
const ERROR_ACTOR_PREFIX = 'xstate.error.actor.';
/** Prefix of the event an invoked actor sends when its snapshot changes. */
const SNAPSHOT_PREFIX = 'xstate.snapshot.';
/** Prefix of the event a compound or parallel state raises when it reaches its final state(s). */
const DONE_STATE_PREFIX = 'xstate.done.state.';
/** Prefix XState gives to the `src` of actor logic written inline in `invoke`. */
const INLINE_SRC_PREFIX = 'xstate.invoke.';
/** Prefix of XState's built-in action creators (`xstate.assign`, `xstate.raise`, ...). */
const BUILT_IN_PREFIX = 'xstate.';

/** One entry of `StateNode.invoke`, as far as diagrams need it. */
interface InvokeLike {
  id: string;
  src: unknown;
}

/**
 * Whether XState generated the invocation id (`<index>.<state id>`) because the
 * definition gave none.
 */
function isGeneratedInvokeId(node: AnyStateNode, invoke: InvokeLike, index: number): boolean {
  return invoke.id === `${index}.${node.id}`;
}

/** The registered name of the invoked logic, or `undefined` when it was written inline. */
function registeredSource(invoke: InvokeLike): string | undefined {
  return typeof invoke.src === 'string' && !invoke.src.startsWith(INLINE_SRC_PREFIX) ? invoke.src : undefined;
}

/**
 * The name under which an invocation appears on arrows (`agentRun done`): its explicit
 * `id`, else the name of the logic it invokes, else `actor <n>` for inline logic.
 */
export function invocationName(node: AnyStateNode, invoke: InvokeLike, index: number): string {
  if (!isGeneratedInvokeId(node, invoke, index)) return invoke.id;
  return registeredSource(invoke) ?? `actor ${index}`;
}

/**
 * The line written on a state that invokes an actor, e.g. `invokes agentRun`, or
 * `invokes agentRun as run` when the invocation has an id different from its logic.
 */
export function invocationNote(node: AnyStateNode, invoke: InvokeLike, index: number): string {
  const source = registeredSource(invoke);
  const name = invocationName(node, invoke, index);
  if (source === undefined) return `invokes ${name} (inline)`;
  return name === source ? `invokes ${source}` : `invokes ${source} as ${name}`;
}

/**
 * The name of the invocation of `node` that has the id `id`, `any actor` for the wildcard,
 * or the id itself for any other child.
 */
function actorName(node: AnyStateNode, id: string): string {
  if (id === '*') return 'any actor';
  const invokes = node.invoke as readonly InvokeLike[];
  const index = invokes.findIndex((invoke) => invoke.id === id);
  const invoke = invokes[index];
  return invoke === undefined ? id : invocationName(node, invoke, index);
}

/**
 * The label of a delay: `after 1000ms` for a number, `after probeDelay (5000ms)` for a
 * named delay the machine implements with a number, `after probeDelay` otherwise.
 */
export function delayLabel(machine: AnyStateMachine, delay: unknown): string {
  if (typeof delay === 'number') return `after ${delay}ms`;
  if (typeof delay === 'string') {
    const delays = (machine.implementations.delays ?? {}) as Record<string, unknown>;
    const value = delays[delay];
    return typeof value === 'number' ? `after ${delay} (${value}ms)` : `after ${delay}`;
  }
  if (typeof delay === 'function' && delay.name !== '') return `after ${delay.name}`;
  return 'after delay';
}

/**
 * The label of the event of a transition leaving `node`.
 *
 * - plain events keep their type (`USER_MESSAGE`, `AGENT.*`); the wildcard `*` is `any event`;
 * - `xstate.done.actor.<id>` / `xstate.error.actor.<id>` / `xstate.snapshot.<id>` become
 *   `<actor> done` / `<actor> error` / `<actor> snapshot`, named as in {@link invocationName}
 *   (`any actor error` for `xstate.error.actor.*`);
 * - `xstate.done.state.<id>` (the `onDone` of a compound or parallel state) becomes `done`;
 * - delayed events become {@link delayLabel}; the empty event of `always` becomes `always`.
 */
export function eventLabel(node: AnyStateNode, eventType: string): string {
  if (eventType === '') return 'always';
  if (eventType === '*') return 'any event';
  if (eventType.startsWith(AFTER_PREFIX)) {
    const delayed = node.after.find((transition) => transition.eventType === eventType);
    return delayLabel(node.machine, delayed?.delay ?? eventType.slice(AFTER_PREFIX.length).split('.')[0]);
  }
  if (eventType.startsWith(DONE_ACTOR_PREFIX)) {
    return `${actorName(node, eventType.slice(DONE_ACTOR_PREFIX.length))} done`;
  }
  if (eventType.startsWith(ERROR_ACTOR_PREFIX)) {
    return `${actorName(node, eventType.slice(ERROR_ACTOR_PREFIX.length))} error`;
  }
  if (eventType.startsWith(SNAPSHOT_PREFIX)) {
    return `${actorName(node, eventType.slice(SNAPSHOT_PREFIX.length))} snapshot`;
  }
  if (eventType.startsWith(DONE_STATE_PREFIX)) return 'done';
  return eventType;
}

/** A guard as stored in a transition definition: a name, `{ type, params }` or a guard function. */
type GuardLike = unknown;

/** Wraps a composite guard text in parentheses when it is nested in another composite. */
function nested(guard: GuardLike): string {
  const text = guardLabel(guard);
  return typeof guard === 'function' && (guard.name === 'and' || guard.name === 'or') ? `(${text})` : text;
}

/**
 * The label of a guard: its registered name, `a and b`, `a or b`, `not a` for the
 * higher-order guards, `in <state>` for `stateIn`, the function's name for an inline guard.
 */
export function guardLabel(guard: GuardLike): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && guard !== null && 'type' in guard && typeof guard.type === 'string') {
    return guard.type;
  }
  if (typeof guard === 'function') {
    const parts = (guard as { guards?: unknown }).guards;
    if (Array.isArray(parts)) {
      if (guard.name === 'not') return `not ${parts.map(nested).join(' and ')}`;
      if (guard.name === 'and' || guard.name === 'or') return parts.map(nested).join(` ${guard.name} `);
    }
    const stateValue = (guard as { stateValue?: unknown }).stateValue;
    if (guard.name === 'stateIn' && stateValue !== undefined) {
      return `in ${typeof stateValue === 'string' ? stateValue : JSON.stringify(stateValue)}`;
    }
    return guard.name !== '' && guard.name !== 'guard' ? guard.name : 'inline guard';
  }
  return 'guard';
}

/**
 * The label of an action: its registered name, the name of a built-in action creator
 * without the `xstate.` prefix (`assign`, `raise`, `sendTo`, ...), or the function's name.
 */
export function actionLabel(action: unknown): string {
  if (typeof action === 'string') return action;
  const type = (action as { type?: unknown } | null)?.type;
  if (typeof type === 'string')
    return type.startsWith(BUILT_IN_PREFIX) ? type.slice(BUILT_IN_PREFIX.length) : type;
  if (typeof action === 'function' && action.name !== '' && action.name !== 'actions') return action.name;
  return 'inline action';
}
