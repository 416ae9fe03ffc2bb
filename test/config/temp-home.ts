/** Temporary Hermes homes for configuration tests, removed after each test. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../src/errors.ts';

const created: string[] = [];

afterEach(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh empty folder, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-config-'));
  created.push(dir);
  return dir;
}

/** A fresh home, with `config.yaml` holding `yaml` when given. */
export function tempHome(yaml?: string): string {
  const home = tempDir();
  if (yaml !== undefined) writeFileSync(join(home, 'config.yaml'), yaml);
  return home;
}

/** The problems `run` reports as a ConfigError (fails the test when it does not throw one). */
export function configIssues(run: () => unknown): ConfigIssue[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError, but the configuration was accepted');
}

/** The one problem reported for `path` (fails when there is not exactly one). */
export function issueAt(issues: readonly ConfigIssue[], path: string): ConfigIssue {
  const found = issues.filter((issue) => issue.path === path);
  if (found.length !== 1) {
    throw new Error(`expected one problem at ${path}, got: ${JSON.stringify(issues, null, 2)}`);
  }
  return found[0] as ConfigIssue;
}
