import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toDot } from '../../src/diagrams/dot.ts';
import { toMermaid } from '../../src/diagrams/mermaid.ts';
import { generateDiagrams, staleDiagramFiles, writeDiagrams } from '../../src/diagrams/write-diagrams.ts';
import { GatewayError } from '../../src/errors.ts';
import { chatMachine, SAMPLE_MACHINES } from './sample-machines.ts';

const dirs: string[] = [];

/** A fresh temporary folder, removed after the test. */
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hermes-diagrams-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('generateDiagrams', () => {
  it('produces Mermaid, DOT and SVG files per machine and a README', async () => {
    const files = await generateDiagrams(SAMPLE_MACHINES);
    expect(Object.keys(files).sort()).toEqual([
      'README.md',
      'chat.dot',
      'chat.mmd',
      'chat.svg',
      'device.dot',
      'device.mmd',
      'device.svg',
    ]);
    expect(files['chat.mmd']).toBe(toMermaid(chatMachine));
    expect(files['chat.dot']).toBe(toDot(chatMachine));
    expect(files['chat.svg']).toContain('>streaming</text>');
  });

  it('embeds every Mermaid diagram in the README with links to its files', async () => {
    const files = await generateDiagrams(SAMPLE_MACHINES);
    const readme = files['README.md']!;
    expect(readme).toContain(
      `## chat\n\n[SVG](chat.svg) · [Mermaid](chat.mmd) · [DOT](chat.dot)\n\n\`\`\`mermaid\n${files['chat.mmd']}\`\`\`\n`,
    );
    expect(readme).toContain('```mermaid\nstateDiagram-v2\n  state "device" as device {');
    expect(readme.indexOf('## chat')).toBeLessThan(readme.indexOf('## device'));
  });

  it('writes a README that says so when there are no machines', async () => {
    const files = await generateDiagrams({});
    expect(Object.keys(files)).toEqual(['README.md']);
    expect(files['README.md']).toContain('No machines are registered');
  });

  it('refuses a machine name that is not a plain file name', async () => {
    const error = await generateDiagrams({ '../escape': chatMachine }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('GATEWAY_ERR_OPTION');
  });
});

describe('staleDiagramFiles', () => {
  it('lists the diagrams of machines that no longer exist and nothing else', () => {
    expect(
      staleDiagramFiles(
        ['README.md', 'chat.mmd', 'chat.dot', 'chat.svg', 'old.mmd', 'old.svg', 'old.dot', 'notes.txt'],
        ['chat'],
      ),
    ).toEqual(['old.dot', 'old.mmd', 'old.svg']);
  });
});

describe('writeDiagrams', () => {
  it('writes the files, rewrites only what changed and removes the diagrams of removed machines', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'retired.mmd'), 'stateDiagram-v2\n');
    await writeFile(join(dir, 'retired.svg'), '<svg/>');
    await writeFile(join(dir, 'keep.txt'), 'not a diagram');

    const first = await writeDiagrams(dir, SAMPLE_MACHINES);
    expect(first.written.sort()).toEqual(Object.keys(await generateDiagrams(SAMPLE_MACHINES)).sort());
    expect(first.removed).toEqual(['retired.mmd', 'retired.svg']);
    expect((await readdir(dir)).sort()).toEqual([
      'README.md',
      'chat.dot',
      'chat.mmd',
      'chat.svg',
      'device.dot',
      'device.mmd',
      'device.svg',
      'keep.txt',
    ]);
    expect(await readFile(join(dir, 'chat.mmd'), 'utf8')).toBe(toMermaid(chatMachine));

    const second = await writeDiagrams(dir, { chat: chatMachine });
    expect(second.written).toEqual(['README.md']);
    expect(second.unchanged).toEqual(['chat.mmd', 'chat.dot', 'chat.svg']);
    expect(second.removed).toEqual(['device.dot', 'device.mmd', 'device.svg']);
  });
});
