/**
 * The access gate in the running gateway: strangers never reach the agent,
 * DMs get a pairing code (never stored in clear), approved users are told so,
 * and a stranger in a shared thread cannot steer or interrupt someone's run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AccessControl, APPROVAL_NOTICE } from '../../src/access/access-control.ts';
import { Pairing } from '../../src/access/pairing.ts';
import type { Agent } from '../../src/agent/agent.ts';
import { AbortedError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log/runtime-logger.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import { eventually } from '../support/gateway-process.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';
import { TEST_HASH_COST } from './pairing-fixtures.ts';

const running: Gateway[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
});

const runs: string[] = [];
/** Echo; "slow" prompts wait until interrupted. */
const agent: Agent = {
  name: 'recording',
  async run(request) {
    const prompt = request.messages.at(-1)!.content;
    runs.push(prompt);
    if (prompt.includes('slow')) {
      await new Promise((_, reject) =>
        request.signal.addEventListener('abort', () => reject(new AbortedError())),
      );
    }
    return { text: `answer: ${prompt}`, usage: { inputTokens: 0, outputTokens: 0 }, messages: [] };
  },
};

async function start(env: Record<string, string> = {}) {
  runs.length = 0;
  const store = createMemoryStore();
  const pairing = new Pairing({ store: store.pairing, hashCost: TEST_HASH_COST });
  const access = new AccessControl({ pairing, env, platforms: {}, log: silentLogger });
  const telegram = new MemoryAdapter({ name: 'telegram' });
  const gateway = createGateway({
    store,
    agent,
    adapters: [telegram],
    access,
    settings: { busyInputMode: 'interrupt' },
  });
  running.push(gateway);
  await gateway.start();
  return { store, pairing, telegram, gateway };
}

describe('the access gate in the gateway', () => {
  it('a stranger’s DM gets a pairing code and never reaches the agent; the code is not stored in clear', async () => {
    const { store, telegram, gateway } = await start();
    const result = await telegram.receive({ chatId: 'stranger', userId: 'stranger', text: 'hi' });
    await gateway.settled();
    expect(result.refused).toBe('pair');
    expect(runs).toEqual([]);
    expect(await store.inbox.listByStatus('accepted')).toEqual([]);
    const reply = telegram.textsTo('stranger')[0]!;
    const code = /Pairing code: ([A-Z0-9]{8})/.exec(reply)![1]!;
    expect(reply).toContain(`hermes pairing approve telegram ${code}`);
    const outbox = await store.outbox.listByStatus([
      'pending',
      'sending',
      'sent',
      'failed',
      'unknown_after_send',
    ]);
    expect(JSON.stringify(outbox)).not.toContain(code);
  });

  it('after the owner approves the code, the user is told so and talks to the agent', async () => {
    const { pairing, telegram, gateway } = await start();
    await telegram.receive({ chatId: 'newbie', userId: 'newbie', text: 'hi' });
    const code = /Pairing code: ([A-Z0-9]{8})/.exec(telegram.textsTo('newbie')[0]!)![1]!;
    await pairing.approve('telegram', code);
    await telegram.receive({ chatId: 'newbie', userId: 'newbie', text: 'hello again' });
    await gateway.settled();
    expect(telegram.textsTo('newbie').slice(1)).toEqual([APPROVAL_NOTICE, 'answer: hello again']);
  });

  it('allowlisted users reach the agent; strangers in groups are ignored silently', async () => {
    const { telegram, gateway } = await start({ TELEGRAM_ALLOWED_USERS: 'alice' });
    await telegram.receive({ chatId: 'alice', userId: 'alice', text: 'hi' });
    const refused = await telegram.receive({
      chatId: 'g1',
      chatType: 'group',
      userId: 'mallory',
      text: 'hi all',
    });
    await gateway.settled();
    expect(refused.refused).toBe('ignore');
    expect(telegram.textsTo('alice')).toEqual(['answer: hi']);
    expect(telegram.textsTo('g1')).toEqual([]);
    expect(runs).toEqual(['hi']);
  });

  it('a stranger in a shared thread cannot interrupt or steer an allowed user’s run', async () => {
    const { telegram, gateway } = await start({ TELEGRAM_ALLOWED_USERS: 'alice' });
    await telegram.receive({
      chatId: 'g1',
      chatType: 'thread',
      threadId: 't1',
      userId: 'alice',
      text: 'slow work',
    });
    await eventually(
      async () => (await gateway.session('telegram:thread:g1:t1'))?.state === 'running',
      5_000,
      'run',
    );
    const refused = await telegram.receive({
      chatId: 'g1',
      chatType: 'thread',
      threadId: 't1',
      userId: 'mallory',
      text: 'stop that',
    });
    expect(refused.refused).toBe('ignore');
    const session = await gateway.session('telegram:thread:g1:t1');
    expect(session?.path).toBe('running.working');
    expect(session?.context.merging).toEqual([]);
    expect(telegram.textsTo('g1')).toEqual([]);
  });
});
