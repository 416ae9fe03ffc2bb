/**
 * `/background <prompt>`: an independent agent whose result comes back to the
 * chat that asked, while that chat stays interactive.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Agent, AgentRequest } from '../../src/agent/agent.ts';
import { lastUserText } from '../../src/agent/last-user-message.ts';
import { validateConfig } from '../../src/config/validate-config.ts';
import { AgentError } from '../../src/errors.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

const gateways: Gateway[] = [];
afterEach(async () => {
  for (const g of gateways.splice(0)) await g.stop();
});

/** An agent that answers at once, except prompts with "slow", which wait for `release()`. */
function gatedAgent() {
  const requests: AgentRequest[] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const agent: Agent = {
    name: 'gated',
    async run(request) {
      requests.push(request);
      const text = lastUserText(request.messages);
      if (text.includes('explode')) throw new AgentError('the model is unavailable (HTTP 503)');
      if (text.includes('slow')) await gate;
      const answer = `answer: ${text}`;
      return {
        text: answer,
        usage: { inputTokens: 1, outputTokens: 2 },
        messages: [{ role: 'assistant', content: answer }],
      };
    },
  };
  return { agent, requests, release: () => release() };
}

const config = validateConfig({
  providers: {
    local: { base_url: 'http://127.0.0.1:9/v1', models: ['gpt-test-mini'], default_model: 'gpt-test-mini' },
  },
});

async function boot(agent: Agent) {
  const chat = new MemoryAdapter({ name: 'chat' });
  const gateway = createGateway({ store: createMemoryStore(), agent, adapters: [chat], config });
  gateways.push(gateway);
  await gateway.start();
  return { chat, gateway };
}

describe('/background', () => {
  it('answers at once with the task id, keeps the chat interactive, and delivers the result to the same thread', async () => {
    const { agent, requests, release } = gatedAgent();
    const { chat, gateway } = await boot(agent);
    await chat.receive({
      chatId: 'g',
      chatType: 'group',
      threadId: 't7',
      userId: 'alice',
      text: 'remember: my name is Alice',
    });
    await chat.waitForSent(1);
    const long = 'slow: summarise every log file under /var/log and tell me what went wrong last night';
    await chat.receive({
      chatId: 'g',
      chatType: 'group',
      threadId: 't7',
      userId: 'alice',
      text: `/background ${long}`,
    });
    await chat.waitForSent(2);
    const started = chat.sent[1]?.text ?? '';
    expect(started).toMatch(
      /^🔄 Background task started: "slow: summarise every log file under \/var\/log and tell me wh…"\nTask ID: bg_\d{6}_[0-9a-f]{6}$/,
    );
    const taskId = started.match(/bg_\d{6}_[0-9a-f]{6}/)?.[0];
    expect(gateway.backgroundTasks().map((t) => [t.taskId, t.state])).toEqual([[taskId, 'running']]);

    // the chat goes on while the task works, and is not interrupted by it
    await chat.receive({
      chatId: 'g',
      chatType: 'group',
      threadId: 't7',
      userId: 'alice',
      text: 'still there?',
    });
    await chat.waitForSent(3);
    expect(chat.sent[2]?.text).toBe('answer: still there?');
    expect(gateway.backgroundTasks()[0]?.state).toBe('running');

    release();
    await chat.waitForSent(4);
    const result = chat.sent[3];
    expect(result?.text).toBe(`✅ Background task complete (${taskId})\n\nanswer: ${long}`);
    expect(result).toMatchObject({ chatId: 'g', threadId: 't7' });
    // an independent agent: its own session, none of the chat's context
    const bg = requests.find((r) => r.sessionKey.startsWith('background:'));
    expect(bg?.sessionKey).toBe(`background:${taskId}`);
    expect(bg?.messages).toEqual([{ role: 'user', content: long }]);
    await vi.waitFor(() => expect(gateway.backgroundTasks()).toEqual([]));
  });

  it('works under its alias /bg, and reports a failure with the error', async () => {
    const { agent } = gatedAgent();
    const { chat } = await boot(agent);
    await chat.receive({ chatId: 'c', text: '/bg explode please' });
    await chat.waitForSent(2);
    expect(chat.sent[0]?.text).toMatch(/^🔄 Background task started: "explode please"/);
    expect(chat.sent[1]?.text).toMatch(
      /^❌ Background task failed: the model is unavailable \(HTTP 503\) \(bg_\d{6}_[0-9a-f]{6}\)$/,
    );
  });

  it('asks for a prompt when there is none', async () => {
    const { agent, requests } = gatedAgent();
    const { chat } = await boot(agent);
    await chat.receive({ chatId: 'c', text: '/background' });
    await chat.waitForSent(1);
    expect(chat.sent[0]?.text).toBe(
      'Usage: /background <prompt> — runs it as a separate agent and posts the result here.',
    );
    expect(requests).toEqual([]);
  });

  it('uses the chat’s model', async () => {
    const { agent, requests } = gatedAgent();
    const { chat } = await boot(agent);
    await chat.receive({ chatId: 'c', text: '/model gpt-test-mini' });
    await chat.waitForSent(1);
    expect(chat.sent[0]?.text).toContain('gpt-test-mini');
    await chat.receive({ chatId: 'c', text: '/bg what time is it' });
    await chat.waitForSent(3);
    expect(requests.find((r) => r.sessionKey.startsWith('background:'))?.model).toBe('gpt-test-mini');
  });
});
