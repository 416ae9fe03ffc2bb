/**
 * Graphviz DOT text for an XState v5 machine, generated from the machine definition
 * with the same states, text and labels as the Mermaid diagram (see {@link describeMachine}).
 *
 * - Atomic states are rounded boxes titled with their key; text on a state (invoked
 *   actors, transitions that stay in it) is listed under a rule. Final states have a
 *   double border, history states are ellipses marked `(H)` or `(H*)`.
 * - Compound states are clusters with a black dot pointing at their initial state;
 *   parallel states are clusters whose regions are dashed clusters.
 * - An arrow to or from a compound or parallel state is attached to its dot (or to an
 *   invisible point for parallel states) and clipped at the cluster's border.
 */
import type { AnyStateMachine } from 'xstate';
import { type DiagramState, describeMachine, stateTitle } from './model.ts';

/** Font used for every label; Graphviz measures it without system fonts. */
const FONT = 'Helvetica';

/** Quotes a DOT id or string. */
function q(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

/** Escapes text for a Graphviz HTML-like label. */
function html(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The HTML-like label of a state: its title in bold, then its text lines. */
function htmlLabel(title: string, notes: readonly string[]): string {
  const rows = [`<TR><TD><B>${html(title)}</B></TD></TR>`];
  if (notes.length > 0) {
    rows.push('<HR/>');
    for (const note of notes) rows.push(`<TR><TD ALIGN="LEFT">${html(note)}</TD></TR>`);
  }
  return `<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">${rows.join('')}</TABLE>>`;
}

/** The DOT node id of an atomic, final or history state. */
function nodeId(id: string): string {
  return `state:${id}`;
}

/** The DOT name of the cluster of a compound or parallel state. */
function clusterId(id: string): string {
  return `cluster:${id}`;
}

/** The DOT node id of the initial dot of a compound state. */
function startId(id: string): string {
  return `start:${id}`;
}

/** The DOT node id of the invisible point inside a cluster where its outgoing arrows start. */
function anchorId(id: string): string {
  return `anchor:${id}`;
}

/** Every state of the tree by id, with its ancestors' ids. */
interface Index {
  states: Map<string, DiagramState>;
  ancestors: Map<string, readonly string[]>;
}

/** Indexes the state tree. */
function indexStates(root: DiagramState): Index {
  const states = new Map<string, DiagramState>();
  const ancestors = new Map<string, readonly string[]>();
  const visit = (state: DiagramState, above: readonly string[]): void => {
    states.set(state.id, state);
    ancestors.set(state.id, above);
    for (const child of state.children) visit(child, [...above, state.id]);
  };
  visit(root, []);
  return { states, ancestors };
}

/** Whether a state is drawn as a cluster. */
function isCluster(state: DiagramState): boolean {
  return state.children.length > 0;
}

/** The node an arrow into a state points at: the state, or the initial dot of its cluster. */
function head(state: DiagramState): string {
  if (!isCluster(state)) return nodeId(state.id);
  return state.kind === 'compound' && state.initial !== undefined ? startId(state.id) : anchorId(state.id);
}

/** The node an arrow out of a state starts at: the state, or the invisible point of its cluster. */
function tail(state: DiagramState): string {
  return isCluster(state) ? anchorId(state.id) : nodeId(state.id);
}

/** Writes one state (a node, or a cluster with its children and, when `anchored` has it, its anchor). */
function writeState(
  state: DiagramState,
  anchored: ReadonlySet<string>,
  indent: string,
  lines: string[],
  inParallel: boolean,
): void {
  if (!isCluster(state)) {
    const attributes = [`label=${htmlLabel(stateTitle(state), state.notes)}`];
    if (state.kind === 'final') attributes.push('peripheries=2');
    if (state.kind === 'history') attributes.push('shape=ellipse', 'style=""');
    lines.push(`${indent}${q(nodeId(state.id))} [${attributes.join(', ')}];`);
    return;
  }
  const inner = `${indent}  `;
  lines.push(`${indent}subgraph ${q(clusterId(state.id))} {`);
  lines.push(`${inner}label=${htmlLabel(state.key, state.notes)};`);
  lines.push(`${inner}style=${q(inParallel ? 'rounded,dashed' : 'rounded')};`);
  if (state.kind === 'compound' && state.initial !== undefined) {
    lines.push(`${inner}${q(startId(state.id))} [shape=point, width=0.15, label=""];`);
  }
  if (anchored.has(state.id)) {
    lines.push(`${inner}${q(anchorId(state.id))} [shape=point, style=invis, width=0.01, label=""];`);
  }
  for (const child of state.children) writeState(child, anchored, inner, lines, state.kind === 'parallel');
  lines.push(`${indent}}`);
}

/** Writes the arrows from each initial dot to its initial state. */
function writeInitialArrows(index: Index, lines: string[]): void {
  for (const state of index.states.values()) {
    if (state.kind !== 'compound' || state.initial === undefined || !isCluster(state)) continue;
    const target = index.states.get(state.initial)!;
    lines.push(`  ${arrow(index, startId(state.id), state, target, '', false)}`);
  }
}

/**
 * One DOT edge from `from` (a node of `source`) to `target`, clipped at the border of the
 * clusters it leaves (when `leaves`) or enters.
 */
function arrow(
  index: Index,
  from: string,
  source: DiagramState,
  target: DiagramState,
  label: string,
  leaves: boolean,
): string {
  const attributes: string[] = [];
  if (label !== '') attributes.push(`label=${q(label)}`);
  const inside = (state: DiagramState, cluster: DiagramState): boolean =>
    state.id === cluster.id || (index.ancestors.get(state.id) ?? []).includes(cluster.id);
  if (leaves && isCluster(source) && !inside(target, source)) {
    attributes.push(`ltail=${q(clusterId(source.id))}`);
  }
  if (isCluster(target) && !inside(source, target)) attributes.push(`lhead=${q(clusterId(target.id))}`);
  const suffix = attributes.length > 0 ? ` [${attributes.join(', ')}]` : '';
  return `${q(from)} -> ${q(head(target))}${suffix};`;
}

/**
 * Generates the Graphviz DOT text of a machine. The output ends with a newline and is
 * the same for the same machine definition.
 *
 * @example
 * const svg = await renderSvg(toDot(sessionMachine));
 */
export function toDot(machine: AnyStateMachine): string {
  const diagram = describeMachine(machine);
  const index = indexStates(diagram.root);
  const lines = [
    `digraph ${q(diagram.id)} {`,
    `  graph [compound=true, fontname=${q(FONT)}, fontsize=12, nodesep=0.4, ranksep=0.5];`,
    `  node [shape=box, style=rounded, fontname=${q(FONT)}, fontsize=11];`,
    `  edge [fontname=${q(FONT)}, fontsize=10];`,
  ];
  const anchored = new Set<string>();
  for (const transition of diagram.transitions) {
    const source = index.states.get(transition.source)!;
    const target = index.states.get(transition.target)!;
    if (tail(source) === anchorId(source.id)) anchored.add(source.id);
    if (head(target) === anchorId(target.id)) anchored.add(target.id);
  }
  const root = diagram.root;
  if (diagram.drawRoot || !isCluster(root)) {
    writeState(root, anchored, '  ', lines, false);
  } else {
    if (root.initial !== undefined)
      lines.push(`  ${q(startId(root.id))} [shape=point, width=0.15, label=""];`);
    for (const child of root.children) writeState(child, anchored, '  ', lines, false);
  }
  writeInitialArrows(index, lines);
  for (const transition of diagram.transitions) {
    const source = index.states.get(transition.source)!;
    const target = index.states.get(transition.target)!;
    lines.push(`  ${arrow(index, tail(source), source, target, transition.label, true)}`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
