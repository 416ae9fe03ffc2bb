/**
 * Mermaid `stateDiagram-v2` text for an XState v5 machine, generated from the machine
 * definition (see {@link describeMachine} for what is drawn and how it is labelled).
 *
 * Layout of the text, chosen so that GitHub's Mermaid renders every machine:
 * - Every state is declared as `state "<key>" as <id>`: the label is the state's key, the
 *   id is its path joined with `__` (unique, and free of characters Mermaid reserves).
 * - Compound states are `state "<key>" as <id> { ... }` starting with `[*] --> <initial>`;
 *   final states get `<id> --> [*]` in their parent's block.
 * - The regions of a parallel state are nested states separated by `--`.
 * - Text on an atomic state (invoked actors, transitions that stay in the state) becomes
 *   description lines `<id> : <line>`; on a compound or parallel state, where Mermaid
 *   allows no description, it becomes a `note right of <id>`.
 * - All arrows are written at the top level after the states. Mermaid moves a state into
 *   the block of any statement that names it, except the top level, so an arrow written
 *   there never pulls a state out of its parent. Only `[*]` arrows stay in their block.
 * - Mermaid ends a label at `:` or `;`, so those characters are written as `∶` and `,`.
 */
import type { AnyStateMachine } from 'xstate';
import { type DiagramState, describeMachine, stateTitle } from './model.ts';

/** Words that open Mermaid statements; an id starting with one of them gets an `s_` prefix. */
const RESERVED_PREFIX = /^(default|state|note|class|scale|direction|hide|acc|end|click|style)/i;

/** Makes text safe for a Mermaid label, description or note line. */
function text(value: string): string {
  return value
    .replace(/[\r\n]+/g, ' ')
    .replace(/:/g, '∶')
    .replace(/;/g, ',');
}

/** Makes text safe inside the quotes of `state "..." as id`. */
function quoted(value: string): string {
  return text(value).replace(/"/g, "'");
}

/** Assigns every state a unique Mermaid id built from its path, in document order. */
function assignIds(root: DiagramState, machineId: string): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  const visit = (state: DiagramState): void => {
    const raw = state.path.length === 0 ? machineId : state.path.join('__');
    let base = raw.replace(/[^A-Za-z0-9_]/g, '_') || 'state';
    if (RESERVED_PREFIX.test(base) || /^[0-9]/.test(base)) base = `s_${base}`;
    let id = base;
    for (let n = 2; used.has(id); n += 1) id = `${base}_${n}`;
    used.add(id);
    ids.set(state.id, id);
    for (const child of state.children) visit(child);
  };
  visit(root);
  return ids;
}

/** Writes the inside of a compound or parallel state (or of the top level). */
function writeBody(state: DiagramState, ids: Map<string, string>, indent: string, lines: string[]): void {
  if (state.kind === 'parallel') {
    state.children.forEach((region, index) => {
      if (index > 0) lines.push(`${indent}--`);
      writeState(region, ids, indent, lines);
    });
    return;
  }
  if (state.initial !== undefined) lines.push(`${indent}[*] --> ${ids.get(state.initial)}`);
  for (const child of state.children) {
    writeState(child, ids, indent, lines);
    if (child.kind === 'final') lines.push(`${indent}${ids.get(child.id)} --> [*]`);
  }
}

/** Writes one state: its declaration, its body when it has children, and its text. */
function writeState(state: DiagramState, ids: Map<string, string>, indent: string, lines: string[]): void {
  const id = ids.get(state.id)!;
  const declaration = `${indent}state "${quoted(stateTitle(state))}" as ${id}`;
  if (state.children.length === 0) {
    lines.push(declaration);
    for (const note of state.notes) lines.push(`${indent}${id} : ${text(note)}`);
    return;
  }
  lines.push(`${declaration} {`);
  writeBody(state, ids, `${indent}  `, lines);
  lines.push(`${indent}}`);
  if (state.notes.length > 0) {
    lines.push(`${indent}note right of ${id}`);
    for (const note of state.notes) lines.push(`${indent}  ${text(note)}`);
    lines.push(`${indent}end note`);
  }
}

/**
 * Generates the Mermaid `stateDiagram-v2` text of a machine. The output ends with a
 * newline and is the same for the same machine definition.
 *
 * @example
 * toMermaid(sessionMachine); // 'stateDiagram-v2\n  [*] --> idle\n  state "idle" as idle\n...'
 */
export function toMermaid(machine: AnyStateMachine): string {
  const diagram = describeMachine(machine);
  const ids = assignIds(diagram.root, diagram.id);
  const lines = ['stateDiagram-v2'];
  if (diagram.drawRoot || diagram.root.children.length === 0) {
    writeState(diagram.root, ids, '  ', lines);
  } else {
    writeBody(diagram.root, ids, '  ', lines);
  }
  for (const transition of diagram.transitions) {
    const arrow = `  ${ids.get(transition.source)} --> ${ids.get(transition.target)}`;
    lines.push(transition.label === '' ? arrow : `${arrow} : ${text(transition.label)}`);
  }
  return `${lines.join('\n')}\n`;
}
