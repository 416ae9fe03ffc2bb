/**
 * What happens when a person keeps talking while the agent works, through the
 * whole runtime: real agent processes, real tool calls, the outbox.
 */
import { execSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../src/agent/create-agent.ts';
import { validateConfig } from '../../src/config/validate-config.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/runtime/create-gateway.ts';
import { BUSY_ACKS } from '../../src/runtime/session-effects.ts';
import { type FakeModelServer, startFakeModelServer } from '../fakes/fake-model-server.ts';
import { eventually } from '../support/gateway-process.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

// A command-line agent: slow for prompts that say "slow" (a marker sleep), then it echoes its whole prompt.
const SLOW_AGENT = 'p=$(cat); case "$p" in *slow*) sleep 30.5;; esac; printf "got: %s" "$p"';

const running: Gateway[] = [];
const servers: FakeModelServer[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
  for (const s of servers.splice(0)) await s.close();
});

async function start(options: Partial<GatewayOptions>) {
  const chat = new MemoryAdapter({ name: 'chat' });
  const gateway = createGateway({
    store: createMemoryStore(),
    agent: createAgent({ backend: 'exec', command: SLOW_AGENT }),
    adapters: [chat],
    ...options,
  });
  running.push(gateway);
  await gateway.start();
  return { gateway, chat };
}

const markerSleepAlive = () => {
  try {
    execSync("pgrep -f 'slee[p] 30.5'");
    return true;
  } catch {
    return false;
  }
};

describe('busy input through the runtime', () => {
  it('interrupt (default): the running agent process is ended and every message sent meanwhile is answered in one run', async () => {
    const { gateway, chat } = await start({});
    await chat.receive({ chatId: 'c', text: 'a slow essay please', platformMessageId: 'm1' });
    await eventually(() => markerSleepAlive(), 10_000, 'the agent to start');
    await chat.receive({ chatId: 'c', text: 'make it short', platformMessageId: 'm2' });
    await chat.receive({ chatId: 'c', text: 'in French', platformMessageId: 'm3' });
    await gateway.settled(20_000);

    expect(chat.textsTo('c')).toEqual([BUSY_ACKS.interrupt, 'got: make it short\n\nin French']);
    const answer = chat.sent.at(-1)!;
    expect(answer.inReplyTo).toEqual(['m1', 'm2', 'm3']);
    expect(markerSleepAlive()).toBe(false);
  });

  it('queue: each follow-up is its own next turn, in order, acknowledged once', async () => {
    const { gateway, chat } = await start({ settings: { busyInputMode: 'queue' } });
    await chat.receive({ chatId: 'c', text: 'first' });
    await chat.receive({ chatId: 'c', text: 'second' });
    await chat.receive({ chatId: 'c', text: 'third' });
    await gateway.settled(20_000);
    expect(chat.textsTo('c')).toEqual([BUSY_ACKS.queue, 'got: first', 'got: second', 'got: third']);
  });

  it('busy_ack_enabled false silences the acknowledgement but not the behaviour', async () => {
    const { gateway, chat } = await start({ settings: { busyInputMode: 'queue', busyAckEnabled: false } });
    await chat.receive({ chatId: 'c', text: 'first' });
    await chat.receive({ chatId: 'c', text: 'second' });
    await gateway.settled(20_000);
    expect(chat.textsTo('c')).toEqual(['got: first', 'got: second']);
  });

  it('the first acknowledgement of an install carries the one-time tip', async () => {
    let tipShown = false;
    const onboarding = {
      takeBusyTip: () => {
        if (tipShown) return false;
        tipShown = true;
        return true;
      },
    };
    const { gateway, chat } = await start({
      settings: { busyInputMode: 'queue' },
      onboarding,
    });
    await chat.receive({ chatId: 'a', text: 'first' });
    await chat.receive({ chatId: 'a', text: 'second' });
    await chat.receive({ chatId: 'b', text: 'first' });
    await chat.receive({ chatId: 'b', text: 'second' });
    await gateway.settled(20_000);
    const acks = chat.sent.filter((m) => m.text.startsWith('⏳')).map((m) => m.text);
    expect(acks).toHaveLength(2);
    expect(acks.filter((t) => t.includes('busy_input_mode'))).toHaveLength(1);
  });

  it('steer: the message reaches the model after its next tool call, in the same run', async () => {
    const model = await startFakeModelServer();
    servers.push(model);
    const chat = new MemoryAdapter({ name: 'chat' });
    const gateway = createGateway({
      store: createMemoryStore(),
      agent: createAgent({ backend: 'openai', base_url: model.url, api_key: 'k', model: 'fake' }),
      adapters: [chat],
      settings: { busyInputMode: 'steer' },
      // the test reads the chat's messages: no tool progress lines among them
      config: validateConfig({ display: { tool_progress: 'off' } }),
    });
    running.push(gateway);
    await gateway.start();
    model.script(
      {
        kind: 'tool_calls',
        calls: [{ name: 'terminal', arguments: JSON.stringify({ command: 'sleep 0.4; echo listed' }) }],
      },
      (request) => {
        const last = request.messages.at(-1)!;
        return { kind: 'text', text: `last thing I was told: ${String(last.content)}` };
      },
    );
    await chat.receive({ chatId: 'c', text: 'list the files', platformMessageId: 's1' });
    await eventually(() => model.requests.length === 1, 5_000, 'the first model request');
    await chat.receive({ chatId: 'c', text: 'only the big ones', platformMessageId: 's2' });
    await gateway.settled(20_000);

    expect(model.requests).toHaveLength(2);
    const roles = model.requests[1]!.messages.map((m) => m.role);
    expect(roles.slice(-3)).toEqual(['assistant', 'tool', 'user']);
    expect(chat.textsTo('c')).toEqual([BUSY_ACKS.steer, 'last thing I was told: only the big ones']);
    // the answer answers the steering message too, and the transcript records it where the agent saw it
    expect(chat.sent.at(-1)!.inReplyTo).toEqual(['s1', 's2']);
    const transcript = await gateway.store.transcript.listBySession('chat:dm:c');
    expect(transcript.map((e) => [e.role, e.content])).toEqual([
      ['user', 'list the files'],
      ['user', 'only the big ones'],
      ['assistant', 'last thing I was told: only the big ones'],
    ]);
  });
});
