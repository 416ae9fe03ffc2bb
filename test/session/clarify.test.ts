/**
 * The `clarify` tool through a whole gateway: the agent asks, the question
 * shows in the chat with numbered choices, the user's next message reaches the
 * tool and the run finishes; the durable timeout; /stop; a restart while the
 * question waits; and where nobody can be asked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RESUME_NOTE } from '../../src/actors/agent-run.ts';
import { createOpenAIAgent } from '../../src/agent/openai-agent.ts';
import { NO_ANSWER_RESULT, NOBODY_TO_ASK_RESULT } from '../../src/agent/tools/clarify.ts';
import { validateConfig } from '../../src/config/validate-config.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import type { Store } from '../../src/persistence/store.ts';
import { CLARIFY_TIMEOUT_NOTICE } from '../../src/runtime/clarify-effects.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import { RESTART_NOTICE } from '../../src/runtime/session-effects.ts';
import { type FakeModelServer, startFakeModelServer } from '../fakes/fake-model-server.ts';
import { eventually } from '../support/gateway-process.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

const running: Gateway[] = [];
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
  for (const c of cleanup.splice(0).reverse()) await c();
});

const ASK = {
  kind: 'tool_calls' as const,
  calls: [
    {
      name: 'clarify',
      arguments: JSON.stringify({ question: 'Which environment?', choices: ['staging', 'production'] }),
    },
  ],
};
const QUESTION =
  '❓ Which environment?\n\n1. staging\n2. production\n\n' +
  'Reply with a number or your own answer. Without an answer in 10 min the agent goes on without it.';

/** The model asks, then answers with what the tool returned. */
async function scriptedModel(): Promise<FakeModelServer> {
  const model = await startFakeModelServer();
  cleanup.push(() => model.close());
  model.script(ASK, (request) => ({
    kind: 'text',
    text: `tool said: ${String(request.messages.at(-1)?.content)}`,
  }));
  return model;
}

async function setup(
  options: {
    headless?: boolean;
    clarifySeconds?: number;
    toolsets?: Record<string, { include: string[] }>;
  } = {},
) {
  const model = await scriptedModel();
  const chat = new MemoryAdapter({ name: 'chat', capabilities: options.headless ? { headless: true } : {} });
  const gateway = createGateway({
    store: createMemoryStore(),
    agent: createOpenAIAgent({ baseURL: model.url, apiKey: 'k', model: 'fake', maxRetries: 0 }),
    adapters: [chat],
    config: validateConfig({
      display: { tool_progress: 'off' },
      ...(options.clarifySeconds ? { agent: { clarify_timeout_seconds: options.clarifySeconds } } : {}),
      ...(options.toolsets ? { toolsets: options.toolsets } : {}),
    }),
  });
  running.push(gateway);
  await gateway.start();
  return { chat, gateway, model };
}

const asked = (chat: MemoryAdapter) => chat.textsTo('c').some((t) => t.startsWith('❓ Which environment?'));

describe('clarify', () => {
  it('shows the question with numbered choices, waits, and gives the answer to the tool', async () => {
    const { chat, gateway } = await setup();
    await chat.receive({ chatId: 'c', text: 'deploy the new build' });
    await eventually(() => asked(chat), 5_000, 'the question');
    expect(chat.textsTo('c')).toEqual([QUESTION]);
    const waiting = await gateway.session('chat:dm:c');
    expect(waiting?.state).toBe('running');
    await chat.receive({ chatId: 'c', text: '2' });
    await gateway.settled();
    expect(chat.textsTo('c')).toEqual([QUESTION, 'tool said: The user chose 2: production']);
    expect((await gateway.session('chat:dm:c'))?.state).toBe('idle');
  });

  it('an answer in the user’s own words reaches the tool as it was written', async () => {
    const { chat, gateway } = await setup();
    await chat.receive({ chatId: 'c', text: 'deploy the new build' });
    await eventually(() => asked(chat), 5_000, 'the question');
    await chat.receive({ chatId: 'c', text: 'the canary cluster' });
    await gateway.settled();
    expect(chat.textsTo('c').at(-1)).toBe('tool said: The user answered: the canary cluster');
  });

  it('nobody answers: the durable timeout tells the chat and the tool, and the run finishes', async () => {
    const { chat, gateway } = await setup({ clarifySeconds: 0.2 });
    await chat.receive({ chatId: 'c', text: 'deploy the new build' });
    await eventually(() => chat.textsTo('c').includes(CLARIFY_TIMEOUT_NOTICE), 5_000, 'the timeout notice');
    await gateway.settled();
    expect(chat.textsTo('c').at(-1)).toBe(`tool said: ${NO_ANSWER_RESULT}`);
    expect((await gateway.session('chat:dm:c'))?.state).toBe('idle');
  });

  it('/stop cancels the question and the run', async () => {
    const { chat, gateway, model } = await setup();
    await chat.receive({ chatId: 'c', text: 'deploy the new build' });
    await eventually(() => asked(chat), 5_000, 'the question');
    await chat.receive({ chatId: 'c', text: '/stop' });
    await gateway.settled();
    expect(chat.textsTo('c').slice(1)).toEqual(['⏹ Stopped.']);
    expect(model.requests).toHaveLength(1);
    expect((await gateway.session('chat:dm:c'))?.state).toBe('idle');
    // the next message is a new turn (the model sees it as the user's message), not an answer
    await chat.receive({ chatId: 'c', text: 'hello' });
    await gateway.settled();
    expect(chat.textsTo('c').at(-1)).toBe('tool said: hello');
    expect(model.requests[1]?.messages.at(-1)).toMatchObject({ role: 'user', content: 'hello' });
  });

  it('where nobody reads the chat live (the API server) the tool is not offered', async () => {
    const { chat, gateway, model } = await setup({ headless: true });
    await chat.receive({ chatId: 'c', text: 'deploy the new build' });
    await gateway.settled();
    const offered = (model.requests[0]?.tools ?? []).map((t) => t.function.name);
    expect(offered).not.toContain('clarify');
    expect(offered).not.toContain('send_message');
    // a model that calls it anyway is told it does not exist
    expect(chat.textsTo('c').at(-1)).toMatch(/^tool said: Error: unknown tool "clarify"/);
  });

  it('a headless platform whose toolset includes clarify gets told nobody can be asked', async () => {
    const { chat, gateway } = await setup({ headless: true, toolsets: { chat: { include: ['clarify'] } } });
    await chat.receive({ chatId: 'c', text: 'deploy the new build' });
    await gateway.settled();
    expect(asked(chat)).toBe(false);
    expect(chat.textsTo('c').at(-1)).toBe(`tool said: ${NOBODY_TO_ASK_RESULT}`);
  });
});

describe('clarify across a restart', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function life(path: string, model: FakeModelServer) {
    const store: Store = createSqliteStore({ path });
    const chat = new MemoryAdapter({ name: 'chat' });
    const gateway = createGateway({
      store,
      agent: createOpenAIAgent({ baseURL: model.url, apiKey: 'k', model: 'fake', maxRetries: 0 }),
      adapters: [chat],
      config: validateConfig({ display: { tool_progress: 'off' } }),
    });
    await gateway.start();
    return { store, chat, gateway };
  }

  it('the question is void after a restart: the user is told, and the answer resumes the cut-off turn', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermes-clarify-'));
    dirs.push(dir);
    const path = join(dir, 'state.db');

    const first = await life(path, await scriptedModel());
    await first.chat.receive({ chatId: 'c', text: 'deploy the new build', platformMessageId: 'm1' });
    await eventually(() => asked(first.chat), 5_000, 'the question');
    await first.gateway.stop();
    await first.store.close();
    // the chat sees the question, then that the gateway restarts and how to go on
    expect(first.chat.textsTo('c')).toEqual([QUESTION, RESTART_NOTICE]);

    const model = await startFakeModelServer();
    cleanup.push(() => model.close());
    model.script((request) => ({
      kind: 'text',
      text: `resumed: ${request.messages.map((m) => String(m.content)).join(' | ')}`,
    }));
    const second = await life(path, model);
    try {
      const restored = await second.gateway.session('chat:dm:c');
      expect(restored?.state).toBe('restartInterrupted');
      await second.chat.receive({ chatId: 'c', text: 'production', platformMessageId: 'm2' });
      await second.gateway.settled();
      // the question is not asked again; the agent gets the cut-off request, the resume note and the answer
      const reply = second.chat.textsTo('c').at(-1) ?? '';
      expect(second.chat.textsTo('c').some((t) => t.startsWith('❓'))).toBe(false);
      expect(reply).toContain('deploy the new build');
      expect(reply).toContain(RESUME_NOTE);
      expect(reply.endsWith('| production')).toBe(true);
      expect((await second.gateway.session('chat:dm:c'))?.state).toBe('idle');
    } finally {
      await second.gateway.stop();
      await second.store.close();
    }
  });
});
