/**
 * MCP tools end to end: the gateway with the openai backend against the fake
 * model server, and the fixture MCP server over stdio. The model calls an MCP
 * tool and answers with its result; a tool of a server with `require_approval`
 * asks in the chat and a /deny refuses it; stopping the gateway ends the stdio servers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../../src/agent/create-agent.ts';
import { McpManager } from '../../../src/agent/mcp/mcp-manager.ts';
import { validateConfig } from '../../../src/config/validate-config.ts';
import { createMemoryStore } from '../../../src/persistence/memory-store.ts';
import { createGateway, type Gateway } from '../../../src/runtime/create-gateway.ts';
import { type FakeModelServer, startFakeModelServer } from '../../fakes/fake-model-server.ts';
import { eventually } from '../../support/gateway-process.ts';
import { MemoryAdapter } from '../../support/memory-adapter.ts';
import { stdioEntry } from './fixture-servers.ts';

const running: Gateway[] = [];
const models: FakeModelServer[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
  for (const m of models.splice(0)) await m.close();
});

/** Whether a process with this id runs. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('MCP tools in the gateway', () => {
  it('the model calls MCP tools; an approval-gated one is asked for in the chat and refused on /deny', async () => {
    const model = await startFakeModelServer();
    models.push(model);
    model.script(
      { kind: 'tool_calls', calls: [{ name: 'files__echo', arguments: '{"text":"from the model"}' }] },
      { kind: 'tool_calls', calls: [{ name: 'guarded__echo', arguments: '{"text":"needs a yes"}' }] },
      (request) => ({
        kind: 'text',
        text: `tools said: ${request.messages
          .filter((m) => m.role === 'tool')
          .map((m) => String(m.content))
          .join(' | ')}`,
      }),
    );
    const config = validateConfig({
      agent: { backend: 'openai', base_url: model.url, model: 'fake', terminal: { enabled: false } },
      mcp_servers: {
        files: stdioEntry(),
        guarded: { ...stdioEntry(), require_approval: true, tools: { include: ['echo'] } },
      },
    });
    const mcp = new McpManager({ servers: config.mcp_servers });
    const chat = new MemoryAdapter({ name: 'chat' });
    const gateway = createGateway({
      store: createMemoryStore(),
      agent: createAgent(config.agent),
      adapters: [chat],
      config,
      mcp,
    });
    running.push(gateway);
    await gateway.start();
    await mcp.start(); // the gateway started the connections in the background; wait for them here

    await chat.receive({ chatId: 'c', text: 'use your tools' });
    await eventually(
      () => chat.textsTo('c').some((t) => t.includes('Approval needed')),
      15_000,
      'the approval prompt',
    );
    const prompt = chat.textsTo('c').find((t) => t.includes('Approval needed')) ?? '';
    expect(prompt).toContain('guarded__echo {"text":"needs a yes"}');
    expect(prompt).toContain('It is a tool of MCP server "guarded", whose calls need approval.');

    await chat.receive({ chatId: 'c', text: '/deny' });
    await eventually(() => chat.textsTo('c').some((t) => t.startsWith('tools said:')), 15_000, 'the answer');
    expect(chat.textsTo('c').find((t) => t.startsWith('tools said:'))).toBe(
      'tools said: echo: from the model | [Call denied: the user did not approve guarded__echo]',
    );
    // the model was offered the MCP tools by their prefixed names, beside the chat's own tools
    const offered = model.requests[0]?.tools?.map((t) => t.function.name).sort();
    expect(offered).toEqual([
      'clarify',
      'cronjob',
      'files__echo',
      'files__env',
      'files__fail',
      'files__picture',
      'files__pid',
      'files__slow',
      'guarded__echo',
      'send_message',
    ]);

    const pidTool = mcp.tools().find((t) => t.name === 'files__pid');
    const pid = Number(await pidTool?.execute({}, { signal: new AbortController().signal, sessionKey: 's' }));
    expect(isAlive(pid)).toBe(true);
    await gateway.stop();
    expect(mcp.tools()).toEqual([]);
    await eventually(() => !isAlive(pid), 10_000, 'the stdio server to exit');
  });
});
