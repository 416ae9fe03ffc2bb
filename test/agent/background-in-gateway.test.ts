/**
 * Background processes through the whole gateway: the model starts a command
 * with `terminal(background=true)`, the run answers at once, and the chat that
 * asked hears about the process's output and its end; stopping the gateway
 * ends the process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAIAgent } from '../../src/agent/openai-agent.ts';
import { BackgroundProcesses } from '../../src/agent/tools/background-processes.ts';
import { createProcessTool } from '../../src/agent/tools/process.ts';
import { createTerminalTool } from '../../src/agent/tools/terminal.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import { startFakeModelServer } from '../fakes/fake-model-server.ts';
import { eventually } from '../support/gateway-process.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';
import { createPidTracker, isProcessGone, waitFor } from './process-state.ts';

const running: Gateway[] = [];
const cleanup: (() => Promise<void> | void)[] = [];
const pids = createPidTracker();
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
  for (const c of cleanup.splice(0)) await c();
  pids.killLeftovers();
});

/** A gateway whose model starts `command` in the background and then answers with the tool's output. */
async function setup(command: string) {
  const model = await startFakeModelServer();
  cleanup.push(() => model.close());
  model.script(
    {
      kind: 'tool_calls',
      calls: [{ name: 'terminal', arguments: JSON.stringify({ command, background: true }) }],
    },
    (request) => ({ kind: 'text', text: `tool said: ${String(request.messages.at(-1)?.content)}` }),
  );
  const background = new BackgroundProcesses({ mode: 'all', updateIntervalMs: 50 });
  const chat = new MemoryAdapter({ name: 'chat' });
  const gateway = createGateway({
    store: createMemoryStore(),
    agent: createOpenAIAgent({
      baseURL: model.url,
      apiKey: 'k',
      model: 'fake',
      tools: [createTerminalTool({ background }), createProcessTool(background)],
      maxRetries: 0,
    }),
    adapters: [chat],
  });
  running.push(gateway);
  await gateway.start();
  return { chat, gateway };
}

/** The pid from the model's reply "tool said: Started background process bg1 (pid N): ...". */
function startedPid(chat: MemoryAdapter): number {
  const reply = chat.textsTo('c').find((t) => t.startsWith('tool said: Started background process'));
  const pid = Number(/\(pid (\d+)\)/.exec(reply ?? '')?.[1]);
  pids.track(pid);
  return pid;
}

describe('background processes in the gateway', () => {
  it('the run answers at once; the chat gets the output updates and the final message', async () => {
    const command = "sh -c 'echo a; sleep 0.3; echo b; exit 3'";
    const { chat, gateway } = await setup(command);
    await chat.receive({ chatId: 'c', text: 'run it in the background' });
    await eventually(() => chat.textsTo('c').some((t) => t.startsWith('❌')), 10_000, 'the final message');
    await gateway.settled();

    const texts = chat.textsTo('c');
    expect(texts.find((t) => t.startsWith('tool said:'))).toMatch(
      /^tool said: Started background process bg1 \(pid \d+\): sh -c 'echo a/,
    );
    expect(texts.at(-1)).toBe(`❌ Background process bg1 failed (exit 3): ${command}\n\`\`\`\na\nb\n\`\`\``);
    expect(texts).toContain('⚙️ bg1 output:\n```\na\n```');
    // the notifications belong to the session that started the process
    const finals = chat.sent.filter((m) => m.text.startsWith('❌'));
    expect(finals).toHaveLength(1);
    expect(finals[0]).toMatchObject({ chatId: 'c', chatType: 'dm', sessionKey: 'chat:dm:c' });
  });

  it('stopping the gateway kills the background process', async () => {
    const { chat, gateway } = await setup('echo up; sleep 60');
    await chat.receive({ chatId: 'c', text: 'start a server' });
    await gateway.settled();
    const pid = startedPid(chat);
    expect(isProcessGone(pid)).toBe(false);

    await gateway.stop();
    await waitFor(() => isProcessGone(pid));
    expect(chat.textsTo('c').some((t) => t.includes('Background process bg1'))).toBe(false);
  });
});
