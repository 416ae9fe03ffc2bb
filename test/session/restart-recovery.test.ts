/**
 * Restart recovery beyond a single crash: the restart-loop guard, and sessions
 * that restarts keep interrupting.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agent/agent.ts';
import { createEchoAgent } from '../../src/agent/echo-agent.ts';
import { AbortedError } from '../../src/errors.ts';
import { type RuntimeLogger, silentLogger } from '../../src/log/runtime-logger.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import type { Store } from '../../src/persistence/store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import { SUSPENDED_NOTICE } from '../../src/runtime/session-effects.ts';
import { eventually } from '../support/gateway-process.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

const dirs: string[] = [];
const open: { gateway: Gateway; store: Store }[] = [];
afterEach(async () => {
  for (const { gateway, store } of open.splice(0)) {
    await gateway.stop();
    await store.close();
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Echo, except that prompts containing "hang" never finish on their own. */
const hangingAgent: Agent = {
  name: 'hanging',
  async run(request) {
    if (request.messages.at(-1)!.content.includes('hang')) {
      await new Promise((_, reject) =>
        request.signal.addEventListener('abort', () => reject(new AbortedError())),
      );
    }
    return createEchoAgent().run(request);
  },
};

function recordingLogger() {
  const lines: string[] = [];
  const logger: RuntimeLogger = {
    ...silentLogger,
    info: (_o, msg) => lines.push(`info ${msg}`),
    warn: (_o, msg) => lines.push(`warn ${msg}`),
    child: () => logger,
  };
  return { lines, logger };
}

/** One gateway life on the file at `path`, with the clock at `at`. */
async function life(path: string, at: number, messages: { id: string; text: string }[] = []) {
  const store = createSqliteStore({ path });
  const chat = new MemoryAdapter({ name: 'chat' });
  const { lines, logger } = recordingLogger();
  const gateway = createGateway({
    store,
    agent: hangingAgent,
    adapters: [chat],
    logger,
    now: () => at,
    settings: { busyInputMode: 'queue' },
  });
  await gateway.start();
  for (const m of messages) await chat.receive({ chatId: 'c', text: m.text, platformMessageId: m.id });
  return { store, chat, gateway, lines };
}

/** Ends a life gracefully (drain), so a run in flight becomes restart-interrupted. */
async function end(l: { gateway: Gateway; store: Store }) {
  await l.gateway.stop();
  await l.store.close();
}

function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-restart-'));
  dirs.push(dir);
  return join(dir, 'state.db');
}

describe('restart recovery', () => {
  it('three starts within 60 s: auto-resume is skipped and the interrupted turn is closed', async () => {
    const path = dbPath();
    const t0 = 1_800_000_000_000;
    const first = await life(path, t0, [{ id: 'h1', text: 'hang here' }]);
    await eventually(
      async () => (await first.gateway.session('chat:dm:c'))?.state === 'running',
      5_000,
      'the run',
    );
    await end(first);

    const second = await life(path, t0 + 10_000);
    expect(second.lines).toContain('info Scheduled auto-resume for 1 restart-interrupted session(s)');
    await end(second);

    const third = await life(path, t0 + 20_000);
    open.push(third);
    expect(third.lines.some((l) => l.startsWith('warn Restart loop: 3 starts within 60 s'))).toBe(true);
    expect(third.lines.some((l) => l.includes('Scheduled auto-resume'))).toBe(false);
    await eventually(async () => (await third.gateway.session('chat:dm:c'))?.state === 'idle', 5_000, 'idle');
    expect((await third.store.inbox.listByStatus('delivered')).length).toBe(0);
  });

  it('starts spread over more than 60 s are not a loop', async () => {
    const path = dbPath();
    const t0 = 1_800_000_000_000;
    const first = await life(path, t0, [{ id: 'h1', text: 'hang here' }]);
    await eventually(
      async () => (await first.gateway.session('chat:dm:c'))?.state === 'running',
      5_000,
      'the run',
    );
    await end(first);
    await end(await life(path, t0 + 40_000));
    const third = await life(path, t0 + 80_000);
    open.push(third);
    expect(third.lines).toContain('info Scheduled auto-resume for 1 restart-interrupted session(s)');
    expect((await third.gateway.session('chat:dm:c'))?.state).toBe('restartInterrupted');
  });

  it('a turn that 3 restarts in a row interrupted is set aside with a notice and the chat starts fresh', async () => {
    const path = dbPath();
    let at = 1_800_000_000_000;
    let l = await life(path, at, [{ id: 'h0', text: 'hang 0' }]);
    for (let n = 1; n <= 3; n++) {
      await eventually(
        async () => (await l.gateway.session('chat:dm:c'))?.state.match(/running|resuming/),
        5_000,
        'run',
      );
      await end(l);
      at += 120_000; // far enough apart not to be a restart loop
      l = await life(path, at, n < 3 ? [{ id: `h${n}`, text: `hang ${n}` }] : []);
    }
    open.push(l);
    expect((await l.gateway.session('chat:dm:c'))?.context.restartInterruptions).toBe(3);
    await l.chat.receive({ chatId: 'c', text: 'hello again', platformMessageId: 'fresh' });
    await l.gateway.settled();
    expect(l.chat.textsTo('c')).toEqual([SUSPENDED_NOTICE, 'hello again']);
    const session = await l.gateway.session('chat:dm:c');
    expect(session?.context.conversationId).toBe('chat:dm:c/2');
    expect(session?.state).toBe('idle');
  });
});
