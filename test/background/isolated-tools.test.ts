/**
 * Isolated runs (background tasks, cron jobs) with the openai backend against
 * the fake model server and the fixture MCP server: they are offered the MCP
 * tools, filtered by the toolset of the platform they deliver to, and an
 * approval-gated MCP call is refused, since nobody can be asked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../src/agent/create-agent.ts';
import { McpManager } from '../../src/agent/mcp/mcp-manager.ts';
import { validateConfig } from '../../src/config/validate-config.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import type { Store } from '../../src/persistence/store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import { stdioEntry } from '../agent/mcp/fixture-servers.ts';
import {
  type FakeModelServer,
  type FakeResponder,
  type RecordedChatRequest,
  startFakeModelServer,
} from '../fakes/fake-model-server.ts';
import { eventually } from '../support/gateway-process.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

const running: Gateway[] = [];
const models: FakeModelServer[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
  for (const m of models.splice(0)) await m.close();
});

/** The tool results the model read, joined. */
const toolResults = (request: RecordedChatRequest) =>
  request.messages
    .filter((m) => m.role === 'tool')
    .map((m) => String(m.content))
    .join(' | ');

/** A gateway with `telegram` and `slack` chats, two MCP servers (one approval-gated) and the fake model. */
async function boot(script: FakeResponder[], store: Store = createMemoryStore()) {
  const model = await startFakeModelServer();
  models.push(model);
  model.script(...script);
  const config = validateConfig({
    agent: { backend: 'openai', base_url: model.url, model: 'fake', terminal: { enabled: true } },
    mcp_servers: {
      files: { ...stdioEntry(), tools: { include: ['echo', 'env'] } },
      guarded: { ...stdioEntry(), require_approval: true, tools: { include: ['echo'] } },
    },
    toolsets: { telegram: { exclude: ['terminal', 'files__env'] }, slack: { exclude: ['mcp:files'] } },
  });
  const mcp = new McpManager({ servers: config.mcp_servers });
  const telegram = new MemoryAdapter({ name: 'telegram' });
  const slack = new MemoryAdapter({ name: 'slack' });
  const gateway = createGateway({
    store,
    agent: createAgent(config.agent),
    adapters: [telegram, slack],
    config,
    mcp,
    settings: { cronTickMs: 50 },
  });
  running.push(gateway);
  await mcp.start();
  await gateway.start();
  return { model, telegram, slack };
}

const offered = (request: RecordedChatRequest | undefined) =>
  request?.tools?.map((t) => t.function.name).sort() ?? [];

describe('tools of isolated runs', () => {
  it("a /background task gets the MCP tools in its chat platform's toolset; an approval-gated call is refused", async () => {
    const { model, telegram } = await boot([
      { kind: 'tool_calls', calls: [{ name: 'guarded__echo', arguments: '{"text":"needs a yes"}' }] },
      (request) => ({ kind: 'text', text: `tools said: ${toolResults(request)}` }),
    ]);
    await telegram.receive({ chatId: 'c', text: '/background use your tools' });
    await eventually(
      () => telegram.textsTo('c').some((t) => t.includes('Background task complete')),
      15_000,
      'the task result',
    );
    // the telegram toolset leaves out the terminal and files__env; no chat tools in an isolated run
    expect(offered(model.requests[0])).toEqual(['files__echo', 'guarded__echo', 'process']);
    const result = telegram.textsTo('c').find((t) => t.includes('Background task complete')) ?? '';
    expect(result).toContain(
      'tools said: [Call refused: guarded__echo is a tool of MCP server "guarded", whose calls need approval, and nobody can be asked here]',
    );
    expect(telegram.textsTo('c').some((t) => t.includes('Approval needed'))).toBe(false);
  });

  it('a cron job gets the toolset of the platform it delivers to', async () => {
    const store = createMemoryStore();
    await store.migrate();
    await store.cron.create({
      id: 'cron_tools001',
      name: 'tool report',
      schedule: 'every 1h',
      prompt: 'use your tools',
      deliverTo: { kind: 'origin', platform: 'slack', chatId: 's1', chatType: 'dm' },
      // due before the gateway starts: its first tick runs it once
      missedPolicy: 'run_once',
      status: 'active',
      nextRunAt: Date.now() - 1000,
      lastRunAt: null,
      lastStatus: null,
      lastError: null,
      createdAt: Date.now() - 60_000,
      createdBy: 'chat:dm:s1',
      runCount: 0,
    });
    const { model, slack } = await boot([{ kind: 'text', text: 'done' }], store);
    await slack.waitForSent(1);
    expect(slack.sent[0]?.text).toBe('⏰ tool report\n\ndone');
    // slack leaves out the files server's tools; the terminal stays
    expect(offered(model.requests[0])).toEqual(['guarded__echo', 'process', 'terminal']);
  });
});
