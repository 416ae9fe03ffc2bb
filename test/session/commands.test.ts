/**
 * The session commands through the whole runtime: every answer a user sees.
 */
import { execSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../src/agent/create-agent.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import { BUSY_ACKS } from '../../src/runtime/session-effects.ts';
import { eventually } from '../support/gateway-process.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

const SLOW_AGENT = 'p=$(cat); case "$p" in *slow*) sleep 31.5;; esac; printf "got: %s" "$p"';
const markerAlive = () => {
  try {
    execSync("pgrep -f 'slee[p] 31.5'");
    return true;
  } catch {
    return false;
  }
};

const running: Gateway[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
});

async function start() {
  const chat = new MemoryAdapter({ name: 'chat' });
  const gateway = createGateway({
    store: createMemoryStore(),
    agent: createAgent({ backend: 'exec', command: SLOW_AGENT }),
    adapters: [chat],
  });
  running.push(gateway);
  await gateway.start();
  const say = async (text: string) => {
    await chat.receive({ chatId: 'c', text });
    await gateway.settled(20_000);
  };
  return { chat, gateway, say, texts: () => chat.textsTo('c') };
}

describe('session commands', () => {
  it('/stop ends the running task and its process; with nothing running it says so', async () => {
    const { chat, gateway, say, texts } = await start();
    await say('/stop');
    expect(texts()).toEqual(['No active task to stop.']);
    await chat.receive({ chatId: 'c', text: 'a slow job' });
    await eventually(() => markerAlive(), 10_000, 'the agent to start');
    await chat.receive({ chatId: 'c', text: '/stop' });
    await gateway.settled(20_000);
    expect(texts().slice(1)).toEqual(['⏹ Stopped.']);
    expect(markerAlive()).toBe(false);
    expect((await gateway.session('chat:dm:c'))?.state).toBe('idle');
  });

  it('/queue queues a message even in interrupt mode; commands that cannot run while busy say so', async () => {
    const { chat, gateway, texts } = await start();
    await chat.receive({ chatId: 'c', text: 'a slow job' });
    await eventually(() => markerAlive(), 10_000, 'the agent to start');
    await chat.receive({ chatId: 'c', text: '/queue then this' });
    await chat.receive({ chatId: 'c', text: '/new' });
    await eventually(() => texts().length >= 2, 5_000, 'the answers');
    expect(texts()).toEqual([
      BUSY_ACKS.queue,
      "⏳ /new can't run while I'm working on this chat. Send /stop first, or wait.",
    ]);
    await chat.receive({ chatId: 'c', text: '/stop' });
    await gateway.settled(20_000);
    expect(texts().slice(2)).toEqual(['⏹ Stopped. 1 waiting message(s) were dropped.']);
  });

  it('/new starts a fresh conversation; /title names one; /resume lists and continues an earlier one', async () => {
    const { gateway, say, texts } = await start();
    await say('first topic');
    await say('/title Gardening');
    await say('/new');
    await say('second topic');
    await say('/resume');
    await say('/resume gardening');
    await say('/status');
    const session = await gateway.session('chat:dm:c');
    expect(session?.context.conversationId).toBe('chat:dm:c/1');
    expect(texts().slice(0, 6)).toEqual([
      'got: first topic',
      '📝 Title set: Gardening',
      '🆕 New conversation started. /resume lists the earlier ones.',
      'got: second topic',
      'Earlier conversations:\n1. Gardening — 1 turn(s)\n/resume <number or title> continues one.',
      '↩️ Resumed Gardening (1 turn(s)).',
    ]);
    expect(texts()[6]).toContain('Conversation: Gardening (1 turn(s))');
    expect(texts()[6]).toContain('State: idle');
  });

  it('/usage, /help and unknown commands answer, never silence', async () => {
    const { say, texts } = await start();
    await say('hello');
    await say('/usage');
    await say('/help');
    await say('/frobnicate');
    expect(texts()[1]).toMatch(/^📊 This conversation: 1 turn\(s\)/);
    expect(texts()[2]).toContain('/stop — Stop the running task');
    expect(texts()[2]).toContain('/new (/reset) — Start a new conversation');
    expect(texts()[3]).toBe('Unknown command /frobnicate — /help lists the commands.');
  });
});

describe('/undo and /retry', () => {
  it('/undo drops the last turn from what the agent sees; /retry runs the last message again', async () => {
    const { chat, gateway, say, texts } = await start();
    await say('first');
    await say('second');
    await say('/undo');
    expect(texts()[2]).toBe('↩️ Dropped the last turn: “second”');
    let transcript = await gateway.store.transcript.list('chat:dm:c/1');
    expect(transcript.map((e) => e.content)).toEqual(['first', 'got: first']);
    await say('/retry');
    expect(texts()[3]).toBe('got: first');
    transcript = await gateway.store.transcript.list('chat:dm:c/1');
    expect(transcript.map((e) => e.content)).toEqual(['first', 'got: first']);
    await say('/undo');
    await say('/undo');
    expect(texts().slice(4)).toEqual(['↩️ Dropped the last turn: “first”', 'There is no turn to undo.']);
    expect(chat.sent.length).toBe(6);
  });
});
