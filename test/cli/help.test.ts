import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHermes } from './run-hermes.ts';

const VERSION = (
  JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }
).version;

describe('hermes --help and --version', () => {
  it('lists the gateway command', async () => {
    const run = await runHermes(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: hermes');
    expect(run.stdout).toMatch(/gateway/);
  });

  it('documents --check and the run alias under gateway --help', async () => {
    const run = await runHermes(['gateway', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--check');
    expect(run.stdout).toMatch(/\brun\b/);
  });

  it('prints the version of the package', async () => {
    const run = await runHermes(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(VERSION);
  });

  it('suggests the right command for a typo and exits non-zero', async () => {
    const run = await runHermes(['gatway']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('unknown command');
    expect(run.stderr).toContain('gateway');
  });
});
