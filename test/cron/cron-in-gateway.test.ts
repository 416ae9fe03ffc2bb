/**
 * Cron inside a running gateway: a due job runs as a fresh agent and its answer
 * reaches the chat it was made in or a platform's home channel; the agent in a
 * chat can make jobs with its `cronjob` tool.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Agent, AgentRequest } from '../../src/agent/agent.ts';
import { lastUserText } from '../../src/agent/last-user-message.ts';
import { writeHomeChannel } from '../../src/commands/home-channel.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import type { CronJobRow, Store } from '../../src/persistence/store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

const gateways: Gateway[] = [];
afterEach(async () => {
  for (const g of gateways.splice(0)) await g.stop();
});

function job(overrides: Partial<CronJobRow>): CronJobRow {
  return {
    id: 'cron_test0001',
    name: 'morning report',
    schedule: 'every 1h',
    prompt: 'report the weather',
    deliverTo: { kind: 'origin', platform: 'chat', chatId: 'c1', chatType: 'dm' },
    missedPolicy: 'skip',
    status: 'active',
    nextRunAt: Date.now() + 150,
    lastRunAt: null,
    lastStatus: null,
    lastError: null,
    createdAt: Date.now() - 60_000,
    createdBy: 'chat:dm:c1',
    runCount: 0,
    ...overrides,
  };
}

async function boot(store: Store, agent: Agent) {
  const chat = new MemoryAdapter({ name: 'chat' });
  const gateway = createGateway({ store, agent, adapters: [chat], settings: { cronTickMs: 50 } });
  gateways.push(gateway);
  await gateway.start();
  return chat;
}

const recordingAgent = (requests: AgentRequest[]): Agent => ({
  name: 'recording',
  async run(request) {
    requests.push(request);
    const text = `answer: ${lastUserText(request.messages)}`;
    return { text, usage: { inputTokens: 1, outputTokens: 1 }, messages: [] };
  },
});

describe('cron in the gateway', () => {
  it('runs a due job as a fresh agent without the cronjob tool and delivers to its origin chat', async () => {
    const store = createMemoryStore();
    await store.migrate();
    await store.cron.create(job({}));
    const requests: AgentRequest[] = [];
    const chat = await boot(store, recordingAgent(requests));
    await chat.waitForSent(1);
    expect(chat.sent[0]).toMatchObject({
      chatId: 'c1',
      text: '⏰ morning report\n\nanswer: report the weather',
    });
    expect(requests[0]?.sessionKey).toBe('cron:cron_test0001');
    expect(requests[0]?.messages).toEqual([{ role: 'user', content: 'report the weather' }]);
    expect(requests[0]?.tools ?? []).toEqual([]);
    const after = await store.cron.get('cron_test0001');
    expect(after).toMatchObject({ lastStatus: 'ok', runCount: 1 });
    expect(after?.nextRunAt).toBeGreaterThan(Date.now() + 3_000_000);
  });

  it('delivers to a platform home channel', async () => {
    const store = createMemoryStore();
    await store.migrate();
    await writeHomeChannel(store.meta, {
      platform: 'chat',
      chatId: 'home',
      chatType: 'group',
      threadId: null,
      setBy: 'op',
      setAt: 0,
    });
    await store.cron.create(job({ deliverTo: { kind: 'home', platform: 'chat' } }));
    const chat = await boot(store, recordingAgent([]));
    await chat.waitForSent(1);
    expect(chat.sent[0]).toMatchObject({
      chatId: 'home',
      text: '⏰ morning report\n\nanswer: report the weather',
    });
  });

  it('gives chat runs a cronjob tool bound to the chat', async () => {
    const store = createMemoryStore();
    const agent: Agent = {
      name: 'scheduler',
      async run(request) {
        const tool = request.tools?.find((t) => t.name === 'cronjob');
        const out = await tool!.execute(
          { action: 'create', schedule: 'every 2h', prompt: 'check the deploy', name: 'deploy check' },
          { signal: request.signal, sessionKey: request.sessionKey },
        );
        return { text: out, usage: { inputTokens: 1, outputTokens: 1 }, messages: [] };
      },
    };
    const chat = await boot(store, agent);
    await chat.receive({
      chatId: 'c9',
      chatType: 'group',
      threadId: 't1',
      text: 'check the deploy every 2 hours',
    });
    await chat.waitForSent(1);
    const [created] = await store.cron.list();
    expect(created).toMatchObject({
      name: 'deploy check',
      schedule: 'every 2h',
      deliverTo: { kind: 'origin', platform: 'chat', chatId: 'c9', chatType: 'group', threadId: 't1' },
      createdBy: 'chat:group:c9:t1',
    });
    await vi.waitFor(() => expect(created?.nextRunAt).toBeGreaterThan(Date.now()));
  });
});
