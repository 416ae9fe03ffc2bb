/**
 * Restart notices to home channels: one when a shutdown interrupts runs, one
 * when the gateway is back, unless the platform turned them off.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agent/agent.ts';
import { AbortedError } from '../../src/errors.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import { createGateway, type RuntimeSettings } from '../../src/runtime/create-gateway.ts';
import { backOnlineNotice, restartingNotice } from '../../src/runtime/restart-notices.ts';
import { eventually } from '../support/gateway-process.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const agent: Agent = {
  name: 'slow-or-echo',
  async run(request) {
    const prompt = request.messages.at(-1)!.content;
    if (prompt.includes('slow')) {
      await new Promise((_, reject) =>
        request.signal.addEventListener('abort', () => reject(new AbortedError())),
      );
    }
    return { text: `answer: ${prompt}`, usage: { inputTokens: 0, outputTokens: 0 }, messages: [] };
  },
};

async function twoLives(settings: Partial<RuntimeSettings>) {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-notices-'));
  dirs.push(dir);
  const path = join(dir, 'state.db');
  const life = async (n: number) => {
    const store = createSqliteStore({ path });
    const chat = new MemoryAdapter({ name: 'chat' });
    const gateway = createGateway({ store, agent, adapters: [chat], settings });
    await gateway.start();
    return { store, chat, gateway, id: (s: string) => `${n}-${s}` };
  };
  const first = await life(1);
  await first.chat.receive({ chatId: 'ops', text: '/sethome', platformMessageId: first.id('home') });
  await first.gateway.settled();
  await first.chat.receive({ chatId: 'user', text: 'slow job', platformMessageId: first.id('job') });
  await eventually(
    async () => (await first.gateway.session('chat:dm:user'))?.state === 'running',
    5_000,
    'run',
  );
  await first.gateway.stop();
  await first.store.close();
  const second = await life(2);
  await second.gateway.settled();
  await second.gateway.stop();
  await second.store.close();
  return { first: first.chat.textsTo('ops').slice(1), second: second.chat.textsTo('ops') };
}

describe('restart notices', () => {
  it('the home channel is told once when a restart interrupts runs and once when the gateway is back', async () => {
    const { first, second } = await twoLives({});
    expect(first).toEqual([restartingNotice(1)]);
    expect(second).toEqual([backOnlineNotice(1)]);
  });

  it('gateway_restart_notification false for the platform silences them', async () => {
    const { first, second } = await twoLives({ restartNotification: () => false });
    expect(first).toEqual([]);
    expect(second).toEqual([]);
  });
});
