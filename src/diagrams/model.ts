/**
 * The picture of one machine that every diagram format draws: its state tree with the
 * text written on each state, and its arrows with their labels. Built by walking
 * `machine.root`, so a diagram can never drift from the machine it shows.
 *
 * What is drawn how (shared by Mermaid and DOT):
 * - A transition with a target is an arrow per target, labelled with its event
 *   ({@link eventLabel}) and `[guard]` when guarded. Actions are not written on arrows:
 *   the arrow's target already tells where the machine goes.
 * - A transition without a target never leaves its state, so it is not an arrow (a loop
 *   would suggest the state is exited and entered again). It is a line of text on the
 *   state in UML notation, `EVENT [guard] / action, action`, or `EVENT [guard] (ignored)`
 *   when it has no actions: it then exists to swallow the event before an ancestor sees it.
 * - Every invoked actor is a line of text on its state: `invokes agentRun`.
 * - A history state's default target is an unlabelled arrow.
 * - Order is the definition order (states by document order, transitions in the order
 *   XState lists them), so the same machine always yields the same diagram.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { actionLabel, eventLabel, guardLabel, invocationNote } from './labels.ts';

/** The kind of a state, as XState names it. */
export type DiagramStateKind = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

/** One state of the diagram with its children. */
export interface DiagramState {
  /** The XState state node id (unique within the machine). */
  id: string;
  /** The state's key, shown as its name. */
  key: string;
  /** Keys from the root (excluded) down to this state; empty for the root. */
  path: readonly string[];
  /** Atomic, compound, parallel, final or history. */
  kind: DiagramStateKind;
  /** For history states: shallow or deep. */
  history: 'shallow' | 'deep' | undefined;
  /** Lines written on the state: invoked actors, then transitions that stay in the state. */
  notes: readonly string[];
  /** Id of the initial child of a compound state. */
  initial: string | undefined;
  /** Child states in document order. */
  children: readonly DiagramState[];
}

/** One arrow of the diagram. */
export interface DiagramTransition {
  /** Id of the state the transition is defined on. */
  source: string;
  /** Id of the target state. */
  target: string;
  /** Event and guard, e.g. `GO [hasQueue]`; empty for a history state's default. */
  label: string;
}

/** Everything a diagram generator draws for one machine. */
export interface MachineDiagram {
  /** The machine id. */
  id: string;
  /** The root state node (the machine itself). */
  root: DiagramState;
  /** Every arrow, in definition order (states depth first, then their transitions). */
  transitions: readonly DiagramTransition[];
  /**
   * Whether the root is drawn as an enclosing state: when it is parallel, writes text on
   * itself (invocations, internal transitions) or has arrows of its own (machine-wide events).
   * Otherwise its children are drawn at the top level.
   */
  drawRoot: boolean;
}

/**
 * The name a diagram shows for a state: its key, with `(H)` or `(H*)` after the key of a
 * shallow or deep history state.
 */
export function stateTitle(state: DiagramState): string {
  if (state.kind !== 'history') return state.key;
  return `${state.key} (${state.history === 'deep' ? 'H*' : 'H'})`;
}

/** The children of a state node in document order. */
function childrenOf(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states as Record<string, AnyStateNode>).sort((a, b) => a.order - b.order);
}

/** Every transition of a state node, event transitions first, then `always`. */
function transitionsOf(node: AnyStateNode): AnyTransitionDefinition[] {
  const all: AnyTransitionDefinition[] = [];
  for (const list of node.transitions.values()) all.push(...list);
  all.push(...(node.always ?? []));
  return all;
}

/** `EVENT [guard]`. */
function transitionLabel(node: AnyStateNode, transition: AnyTransitionDefinition): string {
  const event = eventLabel(node, transition.eventType);
  return transition.guard === undefined ? event : `${event} [${guardLabel(transition.guard)}]`;
}

/** The line written on a state for a transition that stays in it. */
function internalNote(node: AnyStateNode, transition: AnyTransitionDefinition): string {
  const label = transitionLabel(node, transition);
  if (transition.actions.length === 0) return `${label} (ignored)`;
  return `${label} / ${transition.actions.map(actionLabel).join(', ')}`;
}

/** Resolves the default target of a history state the way XState does, or `[]` when it cannot. */
function historyTargets(node: AnyStateNode): AnyStateNode[] {
  const parent = node.parent;
  if (parent === undefined) return [];
  const configured = (node.config as { target?: unknown }).target;
  if (configured === undefined) {
    if (parent.type === 'parallel') return [parent];
    return [...(parent.initial?.target ?? [])];
  }
  const targets = Array.isArray(configured) ? configured : [configured];
  const resolved: AnyStateNode[] = [];
  for (const target of targets) {
    if (typeof target !== 'string') continue;
    if (target.startsWith('#')) {
      try {
        resolved.push(node.machine.getStateNodeById(target.slice(1)));
      } catch {
        // An unresolvable default is left out of the picture; XState reports it when entered.
      }
      continue;
    }
    let current: AnyStateNode | undefined = parent;
    for (const key of target.split('.')) current = current?.states[key] as AnyStateNode | undefined;
    if (current !== undefined) resolved.push(current);
  }
  return resolved;
}

/** Walks one state node, collecting its arrows into `transitions`. */
function describeState(node: AnyStateNode, transitions: DiagramTransition[]): DiagramState {
  const notes = (node.invoke as readonly { id: string; src: unknown }[]).map((invoke, index) =>
    invocationNote(node, invoke, index),
  );
  for (const transition of transitionsOf(node)) {
    const targets = transition.target ?? [];
    if (targets.length === 0) {
      notes.push(internalNote(node, transition));
      continue;
    }
    const label = transitionLabel(node, transition);
    for (const target of targets) transitions.push({ source: node.id, target: target.id, label });
  }
  if (node.type === 'history') {
    for (const target of historyTargets(node))
      transitions.push({ source: node.id, target: target.id, label: '' });
  }
  const children = childrenOf(node).map((child) => describeState(child, transitions));
  return {
    id: node.id,
    key: node.key,
    path: node.path,
    kind: node.type,
    history: node.type === 'history' && node.history !== false ? node.history : undefined,
    notes,
    initial: node.type === 'compound' ? node.initial?.target[0]?.id : undefined,
    children,
  };
}

/**
 * Describes a machine for the diagram generators by walking `machine.root`.
 *
 * @example
 * const { root, transitions } = describeMachine(sessionMachine);
 */
export function describeMachine(machine: AnyStateMachine): MachineDiagram {
  const transitions: DiagramTransition[] = [];
  const root = describeState(machine.root, transitions);
  const drawRoot =
    root.kind === 'parallel' ||
    root.notes.length > 0 ||
    transitions.some((transition) => transition.source === root.id || transition.target === root.id);
  return { id: machine.id, root, transitions, drawRoot };
}
