/**
 * `npm run visualize`: regenerates the state diagrams of every machine in
 * `src/machines/index.ts` into `visualizations/` (Mermaid, DOT, SVG and a README),
 * removes the diagrams of machines that no longer exist and prints what changed.
 */
import { fileURLToPath } from 'node:url';
import { writeDiagrams } from '../src/diagrams/index.ts';
import { MACHINES } from '../src/machines/index.ts';

const dir = fileURLToPath(new URL('../visualizations/', import.meta.url));
const { written, unchanged, removed } = await writeDiagrams(dir, MACHINES);
for (const file of written) console.log(`wrote visualizations/${file}`);
for (const file of removed) console.log(`removed visualizations/${file}`);
console.log(
  `${Object.keys(MACHINES).length} machine(s): ${written.length} file(s) written, ${removed.length} removed, ${unchanged.length} unchanged`,
);
