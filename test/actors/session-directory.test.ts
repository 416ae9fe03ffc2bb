/**
 * The session directory inside a real gateway: sessions are created by their
 * first message, passivated when idle and re-activated from their row with the
 * conversation intact; messages of one session are answered in order; one
 * session's failure never reaches another; accepted messages survive a stop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RESUME_NOTE } from '../../src/actors/agent-run.ts';
import { MAX_SESSION_RESTARTS, SessionDirectory } from '../../src/actors/session-directory.ts';
import type { Agent, AgentRequest, ChatMessage } from '../../src/agent/agent.ts';
import { createEchoAgent } from '../../src/agent/echo-agent.ts';
import { AbortedError, AgentError } from '../../src/errors.ts';
import { type RuntimeLogger, silentLogger } from '../../src/log/runtime-logger.ts';
import { SESSION_MACHINE_VERSION } from '../../src/machines/session.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import type { Store } from '../../src/persistence/store.ts';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/runtime/create-gateway.ts';
import { createSessionLogic } from '../../src/runtime/session-logic.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

const gateways: Gateway[] = [];
const stores: Store[] = [];
const dirs: string[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  for (const g of gateways.splice(0)) await g.stop();
  for (const s of stores.splice(0)) await s.close().catch(() => {});
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function memoryStore(): Store {
  const store = createMemoryStore();
  stores.push(store);
  return store;
}

function sqliteStore(): Store {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-directory-'));
  dirs.push(dir);
  const store = createSqliteStore({ path: join(dir, 'state.db') });
  stores.push(store);
  return store;
}

/**
 * A gateway whose sessions answer each message as its own turn (queue mode, no acknowledgements):
 * these tests are about order and isolation, not about what a message does while the agent works.
 */
async function startGateway(options: Partial<GatewayOptions> & { store: Store }): Promise<Gateway> {
  const gateway = createGateway({
    agent: createEchoAgent(),
    ...options,
    settings: { busyInputMode: 'queue', busyAckEnabled: false, ...options.settings },
  });
  gateways.push(gateway);
  await gateway.start();
  return gateway;
}

/** Polls (bounded) until `check` holds. */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** An echo agent that records what it was asked and can be told to fail or hold some prompts. */
function scriptedAgent(script: { fail?: (text: string) => boolean; hold?: (text: string) => boolean } = {}) {
  const echo = createEchoAgent();
  const requests: AgentRequest[] = [];
  const held: (() => void)[] = [];
  const agent: Agent = {
    name: 'scripted',
    async run(request) {
      requests.push(request);
      const text = request.messages.at(-1)?.content ?? '';
      if (script.fail?.(text)) throw new AgentError(`the model refused "${text}"`);
      if (script.hold?.(text)) {
        await new Promise<void>((resolve, reject) => {
          held.push(resolve);
          request.signal.addEventListener('abort', () => reject(new AbortedError()));
        });
      }
      return echo.run(request);
    },
  };
  return { agent, requests, held };
}

const contents = (messages: ChatMessage[]) => messages.map((m) => `${m.role}: ${m.content}`);

describe('session directory', () => {
  it('creates the session row on the first message of a chat', async () => {
    const store = memoryStore();
    const chat = new MemoryAdapter({ name: 'chat' });
    const gateway = await startGateway({ store, adapters: [chat] });
    expect(await store.actors.load('chat:dm:7')).toBeUndefined();

    const { sessionKey } = await chat.receive({ chatId: '7', text: 'hello there' });
    expect(sessionKey).toBe('chat:dm:7');
    await chat.waitForSent(1);
    await gateway.settled();

    const row = await store.actors.load('chat:dm:7');
    expect(row).toMatchObject({
      actorId: 'chat:dm:7',
      kind: 'session',
      machineVersion: SESSION_MACHINE_VERSION,
      state: 'idle',
    });
    const context = (row!.snapshot as { context: Record<string, unknown> }).context;
    expect(context).toMatchObject({ sessionKey: 'chat:dm:7', platform: 'chat', chatId: '7', runCount: 1 });
    expect(chat.sent.map((m) => [m.chatId, m.text])).toEqual([['7', 'hello there']]);
    expect(await store.actors.list('session')).toHaveLength(1);
  });

  it('passivates an idle session and re-activates it from its row with the conversation intact', async () => {
    const store = sqliteStore();
    let clock = 1_700_000_000_000;
    const chat = new MemoryAdapter({ name: 'chat' });
    const { agent, requests } = scriptedAgent();
    const gateway = await startGateway({
      store,
      agent,
      adapters: [chat],
      now: () => clock,
      settings: { passivateAfterMs: 100 },
    });

    await chat.receive({ chatId: '7', text: 'my name is Ada' });
    await chat.waitForSent(1);
    await gateway.settled();
    expect(gateway.sessions().map((s) => s.sessionKey)).toEqual(['chat:dm:7']);

    clock += 100;
    await until(() => gateway.sessions().length === 0, 'the idle session to be passivated');
    const passive = await gateway.session('chat:dm:7');
    expect(passive).toMatchObject({ active: false, state: 'idle' });
    expect(passive?.context.runCount).toBe(1);

    await chat.receive({ chatId: '7', text: 'what is my name?' });
    await chat.waitForSent(2);
    await gateway.settled();

    const live = await gateway.session('chat:dm:7');
    expect(live).toMatchObject({ active: true, state: 'idle' });
    expect(live?.context.runCount).toBe(2);
    expect(chat.sent[1]?.idempotencyKey).toBe('chat:dm:7/1#2:reply');
    // The second run saw the first turn: the conversation continued, not restarted.
    expect(contents(requests[1]!.messages)).toEqual([
      'user: my name is Ada',
      'assistant: my name is Ada',
      'user: what is my name?',
    ]);
    const transcript = await store.transcript.list('chat:dm:7/1');
    expect(transcript.map((e) => [e.role, e.content])).toEqual([
      ['user', 'my name is Ada'],
      ['assistant', 'my name is Ada'],
      ['user', 'what is my name?'],
      ['assistant', 'what is my name?'],
    ]);
  });

  it('answers the messages of one session one by one, in the order they arrived', async () => {
    const store = memoryStore();
    const chat = new MemoryAdapter({ name: 'chat' });
    const gateway = await startGateway({ store, adapters: [chat] });
    const texts = ['one', 'two', 'three', 'four', 'five'];
    const ids: string[] = [];
    for (const text of texts) {
      const m = chat.inbound({ chatId: '7', text });
      ids.push(m.platformMessageId);
      await gateway.ingest(m);
      await chat.receive({ chatId: '8', text: `other ${text}` });
    }
    await chat.waitForSent(10);
    await gateway.settled();

    expect(chat.textsTo('7')).toEqual(texts);
    expect(chat.textsTo('8')).toEqual(texts.map((t) => `other ${t}`));
    const toSeven = chat.sent.filter((m) => m.chatId === '7');
    expect(toSeven.map((m) => m.inReplyTo)).toEqual(ids.map((id) => [id]));
    expect(toSeven.map((m) => m.idempotencyKey)).toEqual(texts.map((_, i) => `chat:dm:7/1#${i + 1}:reply`));
  });

  it('a session whose agent fails reports it to its own chat only; other sessions go on, and so does it', async () => {
    const store = memoryStore();
    const chat = new MemoryAdapter({ name: 'chat' });
    const { agent } = scriptedAgent({ fail: (text) => text.includes('explode') });
    const gateway = await startGateway({ store, agent, adapters: [chat] });

    await chat.receive({ chatId: 'bad', text: 'please explode' });
    await chat.receive({ chatId: 'good', text: 'hello' });
    await chat.receive({ chatId: 'bad', text: 'are you ok?' });
    await chat.receive({ chatId: 'good', text: 'still there?' });
    await chat.waitForSent(4);
    await gateway.settled();

    expect(chat.textsTo('good')).toEqual(['hello', 'still there?']);
    expect(chat.textsTo('bad')).toEqual([
      '⚠️ The agent failed: the model refused "please explode"',
      'are you ok?',
    ]);
    expect(chat.sent.find((m) => m.chatId === 'bad')?.failed).toBe(true);
    expect((await gateway.session('chat:dm:bad'))?.context.lastError).toContain('the model refused');
    expect((await gateway.session('chat:dm:good'))?.context.lastError).toBeNull();
  });

  it('a session actor whose effect throws is restarted alone from its row, keeps its message, and others are not affected', async () => {
    const base = memoryStore();
    // A store whose transcript write throws (synchronously) once for one session: the session's entry effect throws.
    let failures = 0;
    const store = failingTranscriptStore(
      base,
      (sessionKey) => sessionKey === 'chat:dm:broken' && failures++ < 1,
    );
    const { errors, logger } = recordingLogger();
    const chat = new MemoryAdapter({ name: 'chat' });
    const gateway = await startGateway({ store, adapters: [chat], logger });

    await chat.receive({ chatId: 'broken', text: 'first' });
    await chat.receive({ chatId: 'fine', text: 'hello' });
    await chat.receive({ chatId: 'fine', text: 'again' });
    await chat.waitForSent(3);
    await gateway.settled();

    expect(chat.textsTo('fine')).toEqual(['hello', 'again']);
    expect(errors.some((e) => e.includes('Session actor failed') && e.includes('chat:dm:broken'))).toBe(true);
    expect(gateway.actor.getSnapshot().matches('running')).toBe(true);
    // The failed actor was restarted from its last row and got the message it had taken again.
    expect(chat.textsTo('broken')).toEqual(['first']);
    expect(await gateway.session('chat:dm:broken')).toMatchObject({ active: true, state: 'idle' });
  });

  it('a session that keeps failing stops after its restart budget and is reported', async () => {
    const store = failingTranscriptStore(memoryStore(), (sessionKey) => sessionKey === 'chat:dm:broken');
    const { errors, logger } = recordingLogger();
    const chat = new MemoryAdapter({ name: 'chat' });
    const gateway = await startGateway({ store, adapters: [chat], logger });

    await chat.receive({ chatId: 'broken', text: 'first' });
    await chat.receive({ chatId: 'fine', text: 'hello' });
    await chat.waitForSent(1);
    await gateway.settled();

    expect(chat.textsTo('fine')).toEqual(['hello']);
    const failed = errors.filter((e) => e.includes('Session actor failed') && e.includes('chat:dm:broken'));
    expect(failed).toHaveLength(MAX_SESSION_RESTARTS + 1);
    expect(failed.at(-1)).toContain('stays stopped');
  });

  it('delivers at start the messages that were accepted but not yet handed to their session', async () => {
    const store = sqliteStore();
    await store.migrate();
    const chat = new MemoryAdapter({ name: 'chat' });
    const first = await store.inbox.accept(
      chat.inbound({ chatId: '9', text: 'sent before the stop' }),
      'chat:dm:9',
    );
    const second = await store.inbox.accept(chat.inbound({ chatId: '9', text: 'and this one' }), 'chat:dm:9');
    const other = await store.inbox.accept(chat.inbound({ chatId: '10', text: 'me too' }), 'chat:dm:10');

    // queue mode: each redelivered message is its own turn (interrupt mode would merge them)
    const gateway = await startGateway({
      store,
      adapters: [chat],
      settings: { busyInputMode: 'queue', busyAckEnabled: false },
    });
    await chat.waitForSent(3);
    await gateway.settled();

    expect(chat.textsTo('9')).toEqual(['sent before the stop', 'and this one']);
    expect(chat.textsTo('10')).toEqual(['me too']);
    for (const { id } of [first, second, other]) expect((await store.inbox.get(id))?.status).toBe('done');
    expect(await store.inbox.listByStatus('accepted')).toEqual([]);
  });

  it('restores a session a crash left running as restart-interrupted without re-running the agent, and resumes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermes-directory-'));
    dirs.push(dir);
    const path = join(dir, 'state.db');
    const before = createSqliteStore({ path });
    stores.push(before);
    const chat = new MemoryAdapter({ name: 'chat' });
    const { agent, requests, held } = scriptedAgent({ hold: (text) => text === 'long task' });
    const first = createGateway({ store: before, agent, adapters: [chat] });
    await first.start();
    await chat.receive({ chatId: '5', text: 'long task' });
    await until(() => held.length === 1, 'the agent to start the long task');
    await before.flush();
    expect((await before.actors.load('chat:dm:5'))?.state).toBe('running');
    // Crash: the actors stop without draining and the database is left as it is.
    first.actor.stop();
    await before.close();

    const store = createSqliteStore({ path });
    stores.push(store);
    const chat2 = new MemoryAdapter({ name: 'chat' });
    const { agent: agent2, requests: requests2 } = scriptedAgent();
    const second = await startGateway({ store, agent: agent2, adapters: [chat2] });
    expect((await store.actors.load('chat:dm:5'))?.state).toBe('restartInterrupted');
    expect((await store.timers.list()).map((t) => t.key)).toEqual(['auto-resume:chat:dm:5']);
    expect(requests2).toEqual([]);
    expect(chat2.sent).toEqual([]);

    await chat2.receive({ chatId: '5', text: 'are you back?', platformMessageId: 'after-restart-1' });
    await chat2.waitForSent(1);
    await second.settled();
    expect(requests).toHaveLength(1);
    expect(requests2).toHaveLength(1);
    expect(contents(requests2[0]!.messages)).toEqual([
      'user: long task',
      `system: ${RESUME_NOTE}`,
      'user: are you back?',
    ]);
    expect(chat2.sent.map((m) => m.text)).toEqual(['are you back?']);
    expect(chat2.sent[0]?.inReplyTo).toHaveLength(2);
    expect((await store.actors.load('chat:dm:5'))?.state).toBe('idle');
  });
});

describe('session directory on its own', () => {
  it('an event for a session while the directory is not running fails loudly (GATEWAY_ERR_STATE)', async () => {
    const store = memoryStore();
    await store.migrate();
    const directory = new SessionDirectory({
      store,
      logic: createSessionLogic({
        run: { agent: createEchoAgent(), store, log: silentLogger },
        effects: { store, adapters: new Map(), log: silentLogger },
      }),
      log: silentLogger,
      now: Date.now,
      passivateAfterMs: 60_000,
    });
    cleanups.push(() => directory.stop());
    await directory.start();
    await directory.stop();
    await expect(directory.send('chat:dm:1', { type: 'AUTO_RESUME.EXPIRED' })).rejects.toMatchObject({
      code: 'GATEWAY_ERR_STATE',
    });
    // started again (a supervisor's restart of the same directory), it takes events again
    await directory.start();
    await expect(directory.send('chat:dm:1', { type: 'AUTO_RESUME.EXPIRED' })).resolves.toBeUndefined();
  });

  it('passivates only quiet sessions: a session with a run in flight stays live', async () => {
    const store = memoryStore();
    await store.migrate();
    let clock = 1_000;
    const { agent, held } = scriptedAgent({ hold: (text) => text === 'busy' });
    const logic = createSessionLogic({
      run: { agent, store, log: silentLogger },
      effects: { store, adapters: new Map(), log: silentLogger },
    });
    const directory = new SessionDirectory({
      store,
      logic,
      log: silentLogger,
      now: () => clock,
      passivateAfterMs: 60_000,
    });
    cleanups.push(() => directory.stop());
    await directory.start();
    const deliver = async (chatId: string, text: string) => {
      const m = new MemoryAdapter({ name: 'chat' }).inbound({
        chatId,
        text,
        platformMessageId: `${chatId}-${text}`,
      });
      const key = `chat:dm:${chatId}`;
      const { id } = await store.inbox.accept(m, key);
      const row = await store.inbox.get(id);
      await directory.deliver(row!);
    };
    await deliver('quiet', 'hi');
    await deliver('busy', 'busy');
    await until(
      async () => (await directory.view('chat:dm:quiet'))?.state === 'idle',
      'the quiet session to answer',
    );
    await until(() => held.length === 1, 'the busy run to start');
    expect(directory.activeCount).toBe(2);

    expect(directory.passivateIdle(clock + 59_999)).toBe(0);
    clock += 60_000;
    expect(directory.passivateIdle()).toBe(1);
    expect(directory.activeViews().map((v) => [v.sessionKey, v.state])).toEqual([
      ['chat:dm:busy', 'running'],
    ]);
    expect(await directory.view('chat:dm:quiet')).toMatchObject({ active: false, state: 'idle' });
  });
});

/** A store whose transcript append throws synchronously when `fail(sessionKey)` says so. */
function failingTranscriptStore(base: Store, fail: (sessionKey: string) => boolean): Store {
  const append = base.transcript.append.bind(base.transcript);
  base.transcript.append = (entry) => {
    if (fail(entry.sessionKey)) throw new Error('transcript disk unplugged');
    return append(entry);
  };
  return base;
}

/** A logger that records error lines. */
function recordingLogger(): { errors: string[]; logger: RuntimeLogger } {
  const errors: string[] = [];
  const logger: RuntimeLogger = {
    ...silentLogger,
    error: (obj, msg) => errors.push(`${msg} ${JSON.stringify(obj)}`),
    child: () => logger,
  };
  return { errors, logger };
}
