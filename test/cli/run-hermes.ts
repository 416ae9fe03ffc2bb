/** Runs the real `hermes` command as a child process, with temp homes removed after each test. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const NODE = join(ROOT, 'node_modules/.bin/node');
const BIN = join(ROOT, 'bin/hermes.js');

const created: string[] = [];

afterEach(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh empty folder, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-cli-'));
  created.push(dir);
  return dir;
}

/** What a finished `hermes` run produced. */
export interface HermesRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `hermes <args>` with only PATH and `env` in its environment (so the
 * developer's own HERMES_* or API_SERVER_* variables cannot leak in).
 */
export function runHermes(args: string[], env: Record<string, string> = {}): Promise<HermesRun> {
  return new Promise((done, fail) => {
    const child = spawn(NODE, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: tempDir(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
