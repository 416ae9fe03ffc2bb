import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateDiagrams, README_FILE, staleDiagramFiles } from '../../src/diagrams/write-diagrams.ts';
import { MACHINES } from '../../src/machines/index.ts';

const VISUALIZATIONS = fileURLToPath(new URL('../../visualizations/', import.meta.url));
const FIX = 'Run `npm run visualize` and commit visualizations/.';

/** The checked-in content of a file of visualizations/, or `undefined` when it is missing. */
async function checkedIn(file: string): Promise<string | undefined> {
  try {
    return await readFile(`${VISUALIZATIONS}${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

describe('checked-in diagrams in visualizations/', async () => {
  const generated = await generateDiagrams(MACHINES);

  it.each(Object.keys(generated))('%s matches the machine definitions', async (file) => {
    const actual = await checkedIn(file);
    expect(actual, `visualizations/${file} is missing. ${FIX}`).toBeDefined();
    expect(actual, `visualizations/${file} differs from what its machine generates now. ${FIX}`).toBe(
      generated[file],
    );
  });

  it('holds a README and no diagram of a machine that is not in MACHINES', async () => {
    expect(Object.keys(generated)).toContain(README_FILE);
    const stale = staleDiagramFiles(await readdir(VISUALIZATIONS), Object.keys(MACHINES));
    expect(stale, `visualizations/ holds diagrams of machines that no longer exist. ${FIX}`).toEqual([]);
  });
});
