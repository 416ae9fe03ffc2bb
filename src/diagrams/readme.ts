/**
 * The README of `visualizations/`: every machine's Mermaid diagram in a ```mermaid block
 * (GitHub renders it in place) with links to its SVG, Mermaid and DOT files.
 */

/**
 * Builds the README text for the given machines (name → Mermaid text), in the given order.
 *
 * @example
 * diagramsReadme({ session: toMermaid(sessionMachine) });
 */
export function diagramsReadme(mermaidByMachine: Readonly<Record<string, string>>): string {
  const names = Object.keys(mermaidByMachine);
  const lines = [
    '# State diagrams',
    '',
    'Generated from the machine definitions in `src/machines/` by `npm run visualize`; do not edit',
    'these files by hand. `test/diagrams/checked-in.test.ts` fails when a file here no longer matches',
    'its machine.',
    '',
    'How to read them: an arrow is a transition, labelled with its event and `[guard]`',
    '(`<actor> done` / `<actor> error` for an invoked actor finishing or failing, `after <delay>` for',
    'a timer, `always` for an eventless transition). Lines written on a state list the actors it',
    'invokes and the events it handles without leaving it (`EVENT [guard] / actions`).',
    '',
  ];
  if (names.length === 0) {
    lines.push('No machines are registered in `src/machines/index.ts` yet.', '');
  }
  for (const name of names) {
    lines.push(
      `## ${name}`,
      '',
      `[SVG](${name}.svg) · [Mermaid](${name}.mmd) · [DOT](${name}.dot)`,
      '',
      '```mermaid',
      mermaidByMachine[name]!.trimEnd(),
      '```',
      '',
    );
  }
  return lines.join('\n');
}
