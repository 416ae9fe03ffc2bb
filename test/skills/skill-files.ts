/** Temp skill folders for the skills tests, removed after each test. */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const created: string[] = [];

afterEach(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh empty folder under the system temp folder, removed after the test. */
export function tempFolder(prefix = 'hermes-skills-'): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  created.push(dir);
  return dir;
}

/** Writes `<folder>/<dirName>/SKILL.md` and returns its path. */
export function writeSkill(folder: string, dirName: string, text: string): string {
  mkdirSync(join(folder, dirName), { recursive: true });
  const path = join(folder, dirName, 'SKILL.md');
  writeFileSync(path, text);
  return path;
}

/** A SKILL.md with a name, a description and a body (and optional extra front matter lines). */
export function skillText(name: string, description: string, body: string, extra = ''): string {
  return `---\nname: ${name}\ndescription: ${description}\n${extra}---\n${body}\n`;
}

/** The summarize skill the tests install: one required and one optional argument. */
export const SUMMARIZE = `---
name: summarize
description: Summarize a document in a few bullets
tools: [read_file]
arguments:
  - name: file
    description: the document to summarize
    required: true
  - name: style
    description: how to write the summary
---
# Summarize

Read the file with read_file and answer with at most five bullets.
`;
