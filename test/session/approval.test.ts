/**
 * Dangerous commands wait for a person: the approval prompt, yes / no words,
 * the durable timeout, and platforms where nobody can be asked.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAIAgent } from '../../src/agent/openai-agent.ts';
import { createTerminalTool } from '../../src/agent/tools/terminal.ts';
import { validateConfig } from '../../src/config/validate-config.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createGateway, type Gateway, type RuntimeSettings } from '../../src/runtime/create-gateway.ts';
import { type FakeModelServer, startFakeModelServer } from '../fakes/fake-model-server.ts';
import { eventually } from '../support/gateway-process.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

const running: Gateway[] = [];
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
  for (const c of cleanup.splice(0)) await c();
});

/** A gateway whose model asks to run `rm -rf *` in a scratch folder holding one file. */
async function setup(options: { headless?: boolean; settings?: Partial<RuntimeSettings> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-approval-'));
  const marker = join(dir, 'precious.txt');
  writeFileSync(marker, 'keep me');
  const model: FakeModelServer = await startFakeModelServer();
  cleanup.push(
    () => model.close(),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  model.script(
    { kind: 'tool_calls', calls: [{ name: 'terminal', arguments: JSON.stringify({ command: 'rm -rf *' }) }] },
    (request) => ({ kind: 'text', text: `tool said: ${String(request.messages.at(-1)?.content).trim()}` }),
  );
  const chat = new MemoryAdapter({ name: 'chat', capabilities: options.headless ? { headless: true } : {} });
  const gateway = createGateway({
    store: createMemoryStore(),
    agent: createOpenAIAgent({
      baseURL: model.url,
      apiKey: 'k',
      model: 'fake',
      tools: [createTerminalTool({ cwd: dir })],
      maxRetries: 0,
    }),
    adapters: [chat],
    // these tests read the chat's messages one by one: no tool progress lines among them
    config: validateConfig({ display: { tool_progress: 'off' } }),
    ...(options.settings ? { settings: options.settings } : {}),
  });
  running.push(gateway);
  await gateway.start();
  return { chat, gateway, marker };
}

const prompted = (chat: MemoryAdapter) => chat.textsTo('c').some((t) => t.startsWith('⚠️ Approval needed'));

describe('dangerous-command approval', () => {
  it('asks in the chat, runs the command after "yes"', async () => {
    const { chat, gateway, marker } = await setup();
    await chat.receive({ chatId: 'c', text: 'clean the folder' });
    await eventually(() => prompted(chat), 5_000, 'the approval prompt');
    expect(existsSync(marker)).toBe(true);
    expect((await gateway.session('chat:dm:c'))?.state).toBe('running');
    await chat.receive({ chatId: 'c', text: 'yes' });
    await gateway.settled();
    expect(existsSync(marker)).toBe(false);
    expect(chat.textsTo('c').slice(1)).toEqual(['✅ Approved — running it.', 'tool said: (no output)']);
  });

  it('"no" denies: the command does not run and the model is told', async () => {
    const { chat, gateway, marker } = await setup();
    await chat.receive({ chatId: 'c', text: 'clean the folder' });
    await eventually(() => prompted(chat), 5_000, 'the approval prompt');
    await chat.receive({ chatId: 'c', text: 'no' });
    await gateway.settled();
    expect(existsSync(marker)).toBe(true);
    expect(chat.textsTo('c').at(-1)).toMatch(/^tool said: \[Command denied/);
  });

  it('nobody answers: the durable timeout denies it', async () => {
    const { chat, gateway, marker } = await setup({ settings: { approvalTimeoutMs: 200 } });
    await chat.receive({ chatId: 'c', text: 'clean the folder' });
    await eventually(() => prompted(chat), 5_000, 'the approval prompt');
    await eventually(
      () => chat.textsTo('c').includes('⌛ No answer in time — the command was denied.'),
      5_000,
      'the timeout',
    );
    await gateway.settled();
    expect(existsSync(marker)).toBe(true);
    expect(chat.textsTo('c').at(-1)).toMatch(/^tool said: \[Command denied/);
  });

  it('where nobody reads the chat live (the API server), dangerous commands are refused without asking', async () => {
    const { chat, gateway, marker } = await setup({ headless: true });
    await chat.receive({ chatId: 'c', text: 'clean the folder' });
    await gateway.settled();
    expect(existsSync(marker)).toBe(true);
    expect(prompted(chat)).toBe(false);
    expect(chat.textsTo('c').at(-1)).toMatch(/^tool said: \[Command refused/);
  });
});
