/**
 * Runs `hermes gateway` as a real child process for crash and shutdown tests:
 * collects its JSON log lines and waits for a given message.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const NODE = join(ROOT, 'node_modules/.bin/node');
const BIN = join(ROOT, 'bin/hermes.js');

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** One JSON log line of the gateway. */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A running gateway process. */
export interface GatewayProcess {
  child: ChildProcess;
  logs: LogLine[];
  stderr: () => string;
  /** Resolves with the first log line whose message contains `text` (rejects after `timeoutMs`). */
  waitForLog(text: string, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>;
}

/** Starts `hermes gateway` with only PATH, HOME and `env` in its environment. */
export function startGatewayProcess(env: Record<string, string>): GatewayProcess {
  const child = spawn(NODE, [BIN, 'gateway'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: env.HERMES_HOME ?? ROOT, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const waiters: { text: string; done: (l: LogLine) => void }[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf('\n');
      try {
        const parsed = JSON.parse(line) as LogLine;
        logs.push(parsed);
        for (const w of [...waiters]) {
          if (parsed.msg?.includes(w.text)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.done(parsed);
          }
        }
      } catch {
        // not a log line
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return {
    child,
    logs,
    stderr: () => stderr,
    exited,
    waitForLog(text, timeoutMs = 20_000) {
      const found = logs.find((l) => l.msg?.includes(text));
      if (found) return Promise.resolve(found);
      return new Promise((done, fail) => {
        const timer = setTimeout(
          () =>
            fail(
              new Error(
                `No log line "${text}" within ${timeoutMs} ms. stderr: ${stderr}\nlogs: ${logs.map((l) => l.msg).join(' | ')}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({
          text,
          done: (l) => {
            clearTimeout(timer);
            done(l);
          },
        });
        void exited.then(() => {
          clearTimeout(timer);
          fail(new Error(`The gateway exited before logging "${text}". stderr: ${stderr}`));
        });
      });
    },
  };
}

/** Polls `check` until it returns a truthy value (bounded). */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The processes of this user whose environment carries `HERMES_HOME=<home>` (a gateway and what it started). */
export function processesOf(home: string): number[] {
  const marker = `HERMES_HOME=${home}`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(marker))
        pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** Ends what a killed gateway left behind (its agent's process group outlives a SIGKILL), and nothing else. */
export function killLeftovers(home: string): void {
  for (const pid of processesOf(home)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
