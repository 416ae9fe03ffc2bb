/**
 * Generates the diagram files of `visualizations/` (`<name>.mmd`, `<name>.dot`,
 * `<name>.svg` per machine and a `README.md`) and writes them to a folder, removing the
 * diagrams of machines that no longer exist.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnyStateMachine } from 'xstate';
import { GatewayError } from '../errors.ts';
import { toDot } from './dot.ts';
import { toMermaid } from './mermaid.ts';
import { diagramsReadme } from './readme.ts';
import { renderSvg } from './render-svg.ts';

/** The extensions of the files generated per machine. */
export const DIAGRAM_EXTENSIONS = ['.mmd', '.dot', '.svg'] as const;

/** The name of the index file generated next to the diagrams. */
export const README_FILE = 'README.md';

/** What a machine may be called: it becomes a file name. */
const MACHINE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * Generates every diagram file: `<name>.mmd`, `<name>.dot` and `<name>.svg` for each
 * machine (names in sorted order) and `README.md`. Same machines, same files.
 *
 * @throws GatewayError `GATEWAY_ERR_OPTION` when a machine name is not a plain file name.
 * @example
 * const files = await generateDiagrams({ session: sessionMachine });
 * files['session.mmd']; // 'stateDiagram-v2\n...'
 */
export async function generateDiagrams(
  machines: Readonly<Record<string, AnyStateMachine>>,
): Promise<Record<string, string>> {
  const names = Object.keys(machines).sort();
  const files: Record<string, string> = {};
  const mermaidByMachine: Record<string, string> = {};
  for (const name of names) {
    if (!MACHINE_NAME.test(name)) {
      throw new GatewayError('GATEWAY_ERR_OPTION', `Machine name "${name}" cannot be a diagram file name`, {
        machine: name,
        fix: 'name machines with letters, digits, "-" and "_" only',
      });
    }
    const machine = machines[name]!;
    const mermaid = toMermaid(machine);
    const dot = toDot(machine);
    mermaidByMachine[name] = mermaid;
    files[`${name}.mmd`] = mermaid;
    files[`${name}.dot`] = dot;
    files[`${name}.svg`] = await renderSvg(dot);
  }
  files[README_FILE] = diagramsReadme(mermaidByMachine);
  return files;
}

/**
 * The diagram files among `fileNames` that belong to no machine in `machineNames`
 * (other files, such as the README, are never stale).
 *
 * @example
 * staleDiagramFiles(['old.svg', 'session.svg', 'README.md'], ['session']); // ['old.svg']
 */
export function staleDiagramFiles(fileNames: readonly string[], machineNames: readonly string[]): string[] {
  const expected = new Set(machineNames.flatMap((name) => DIAGRAM_EXTENSIONS.map((ext) => `${name}${ext}`)));
  return fileNames
    .filter((file) => DIAGRAM_EXTENSIONS.some((ext) => file.endsWith(ext)) && !expected.has(file))
    .sort();
}

/** What {@link writeDiagrams} did, by file name. */
export interface WriteDiagramsResult {
  /** Files created or changed. */
  written: string[];
  /** Files that already held the generated content. */
  unchanged: string[];
  /** Diagram files of machines that no longer exist, deleted. */
  removed: string[];
}

/** The content of a file, or `undefined` when it does not exist. */
async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Generates the diagrams of `machines` into `dir` (created when missing): writes the files
 * whose content changed and deletes the diagram files of machines not in `machines`.
 *
 * @example
 * const { written, removed } = await writeDiagrams('visualizations', MACHINES);
 */
export async function writeDiagrams(
  dir: string,
  machines: Readonly<Record<string, AnyStateMachine>>,
): Promise<WriteDiagramsResult> {
  const files = await generateDiagrams(machines);
  await mkdir(dir, { recursive: true });
  const result: WriteDiagramsResult = { written: [], unchanged: [], removed: [] };
  for (const [file, content] of Object.entries(files)) {
    const path = join(dir, file);
    if ((await readIfExists(path)) === content) {
      result.unchanged.push(file);
      continue;
    }
    await writeFile(path, content);
    result.written.push(file);
  }
  for (const file of staleDiagramFiles(await readdir(dir), Object.keys(machines))) {
    await rm(join(dir, file));
    result.removed.push(file);
  }
  return result;
}
