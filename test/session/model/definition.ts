/**
 * What there is to cover, read from the session machine's definition: every
 * state node, and every transition definition (event transitions, guarded
 * branches, targetless ones, `always`, and the `onDone` / `onError` of invokes,
 * which the machine keeps as `xstate.done.actor.*` / `xstate.error.actor.*`
 * transitions).
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

/** One transition definition of the machine. */
export interface TransitionInfo {
  /** Stable id: `<source state id> <event>#<branch>`, `always` for eventless ones. */
  id: string;
  /** Readable form: source, event, guard and target. */
  description: string;
}

/** Everything a complete run of the model must visit and take. */
export interface MachineDefinition {
  /** Ids of every state node below the root, e.g. `session.running.working`. */
  states: string[];
  transitions: TransitionInfo[];
}

const eventName = (eventType: string) => eventType || 'always';

/** The branches of a state node that `transition` belongs to (same event, or `always`). */
function branchesOf(source: AnyStateNode, transition: AnyTransitionDefinition): AnyTransitionDefinition[] {
  return transition.eventType === ''
    ? (source.always ?? [])
    : (source.transitions.get(transition.eventType) ?? []);
}

/**
 * The id of a transition definition. Works for the machine and for any
 * `machine.provide()` of it (whose definitions are different objects with the
 * same ids).
 */
export function transitionId(transition: AnyTransitionDefinition): string {
  const branch = branchesOf(transition.source, transition).indexOf(transition);
  return `${transition.source.id} ${eventName(transition.eventType)}#${branch}`;
}

function guardName(transition: AnyTransitionDefinition): string | null {
  const guard = transition.guard as unknown;
  if (!guard) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && guard !== null && 'type' in guard) return String(guard.type);
  return 'inline guard';
}

function describe(transition: AnyTransitionDefinition): string {
  const guard = guardName(transition);
  const target = transition.target?.length
    ? transition.target.map((t: AnyStateNode) => t.id).join(', ')
    : '(no target)';
  return `${transition.source.id} --${eventName(transition.eventType)}${guard ? ` [${guard}]` : ''}--> ${target}`;
}

/**
 * Walks a machine's state nodes from its root.
 *
 * @example
 * const { states, transitions } = machineDefinition(sessionMachine);
 */
export function machineDefinition(machine: AnyStateMachine): MachineDefinition {
  const states: string[] = [];
  const transitions: TransitionInfo[] = [];
  const walk = (node: AnyStateNode) => {
    if (node !== machine.root) states.push(node.id);
    for (const branches of node.transitions.values()) {
      for (const t of branches) transitions.push({ id: transitionId(t), description: describe(t) });
    }
    for (const t of node.always ?? []) transitions.push({ id: transitionId(t), description: describe(t) });
    for (const child of Object.values(node.states) as AnyStateNode[]) walk(child);
  };
  walk(machine.root);
  return { states, transitions };
}

/** Ids of the state nodes a state value is in, e.g. `{ running: 'working' }` → `session.running`, `session.running.working`. */
export function stateNodeIds(machineId: string, value: unknown): string[] {
  if (typeof value === 'string') return [`${machineId}.${value}`];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => [
    `${machineId}.${key}`,
    ...stateNodeIds(`${machineId}.${key}`, child),
  ]);
}
