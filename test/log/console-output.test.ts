/**
 * The foreground gateway's stdout: readable lines on a terminal, JSON lines off
 * one (journal, pipes); the log file is JSON either way.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogConsole } from '../../src/log/console-destination.ts';
import { createLogger, logFilePath } from '../../src/logger.ts';
import { tempDir } from '../cli/run-hermes.ts';
import { freePort, processesOf, startGatewayProcess } from '../support/gateway-process.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const NODE = join(ROOT, 'node_modules/.bin/node');
const BIN = join(ROOT, 'bin/hermes.js');

/** A stand-in for stdout that records what was written. */
function fakeConsole(isTTY: boolean): LogConsole & { text: () => string } {
  let text = '';
  return {
    isTTY,
    write: (chunk) => {
      text += chunk;
    },
    text: () => text,
  };
}

function fileLines(home: string): Array<Record<string, unknown>> {
  return readFileSync(logFilePath(home), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Why a real pseudo-terminal cannot be had here (util-linux `script` runs a command in one), or undefined. */
function scriptMissing(): string | undefined {
  const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
  return probe.error ? `util-linux "script" is not installed (${probe.error.message})` : undefined;
}

describe('log lines on stdout', () => {
  it('are readable one-line text on a terminal, while the file stays JSON', () => {
    const home = tempDir();
    const out = fakeConsole(true);
    const logger = createLogger({ home, stdout: out });
    logger.warn({ platform: 'telegram', attempt: 2 }, 'Adapter reconnecting');
    const text = out.text();
    expect(text).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] .*WARN.*Adapter reconnecting/);
    expect(text).toContain('"platform":"telegram"');
    expect(text.trim().split('\n')).toHaveLength(1);
    expect(() => JSON.parse(text)).toThrow();
    expect(fileLines(home)).toEqual([expect.objectContaining({ level: 40, msg: 'Adapter reconnecting' })]);
  });

  it('are JSON objects off a terminal (journal, pipe), the same as the file', () => {
    const home = tempDir();
    const out = fakeConsole(false);
    const logger = createLogger({ home, stdout: out });
    logger.info({ platform: 'slack' }, 'Adapter connected');
    const line = JSON.parse(out.text()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, platform: 'slack', msg: 'Adapter connected' });
    expect(fileLines(home)).toEqual([line]);
  });

  it('has no colour codes on a terminal when NO_COLOR is set', async () => {
    const { consoleDestination } = await import('../../src/log/console-destination.ts');
    const out = fakeConsole(true);
    consoleDestination(out, { NO_COLOR: '1' }).write(
      '{"level":50,"time":"2026-01-01T00:00:00.000Z","msg":"boom"}\n',
    );
    expect(out.text()).toContain('ERROR: boom');
    expect(out.text()).not.toContain('\u001b[');
  });

  it('the real gateway prints coloured readable lines in a pseudo-terminal and JSON into a pipe', async () => {
    const missing = scriptMissing();
    if (missing && process.env.CI === 'true') throw new Error(`needed under CI: ${missing}`);
    if (missing) {
      console.warn(`[log tests] pseudo-terminal run skipped: ${missing}`);
      return;
    }
    // in a pseudo-terminal
    const home = tempDir();
    const port = await freePort();
    const tty = spawn('script', ['-qefc', `${NODE} ${BIN} gateway`, '/dev/null'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: home, HERMES_HOME: home, API_SERVER_PORT: String(port) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    const running = new Promise<void>((done, fail) => {
      tty.stdout.on('data', (chunk: Buffer) => {
        screen += chunk.toString();
        if (screen.includes('Gateway running')) done();
      });
      tty.on('exit', () => fail(new Error(`the gateway ended early: ${screen}`)));
    });
    try {
      await running;
    } finally {
      for (const pid of gatewayPids(home)) process.kill(pid, 'SIGTERM');
      await new Promise((done) => tty.on('close', done));
    }
    const first = screen.split('\n').find((l) => l.includes('gateway starting')) ?? '';
    expect(first).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] /);
    expect(first).toContain('\u001b[32mINFO'); // green level: coloured for the terminal
    expect(first).not.toContain('"level"');
    expect(fileLines(home).find((l) => l.msg === 'gateway starting')).toMatchObject({ level: 30 });

    // into a pipe
    const piped = tempDir();
    const gateway = startGatewayProcess({ HERMES_HOME: piped, API_SERVER_PORT: String(await freePort()) });
    try {
      const line = await gateway.waitForLog('gateway starting');
      expect(line).toMatchObject({ level: 30, name: 'hermes-gateway' });
    } finally {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
    }
  });
});

/** The gateway process started with this home (the child of `script`, not `script` itself). */
function gatewayPids(home: string): number[] {
  return processesOf(home).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').includes(BIN);
    } catch {
      return false;
    }
  });
}
