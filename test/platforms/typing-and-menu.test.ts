/**
 * What every connected platform gets from the gateway besides replies: the
 * command menu (published once it connects) and "typing…" while the agent works.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatRef, CommandInfo } from '../../src/adapters/contract.ts';
import type { Agent } from '../../src/agent/agent.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

/** A chat platform with a command menu and a typing indicator. */
class MenuChat extends MemoryAdapter {
  readonly menus: CommandInfo[][] = [];
  readonly typing: ChatRef[] = [];
  async setCommands(commands: CommandInfo[]) {
    this.menus.push(commands);
  }
  async sendTyping(chat: ChatRef) {
    this.typing.push(chat);
  }
}

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

describe('platform extras', () => {
  it('publishes the command registry as the platform command menu once connected', async () => {
    const chat = new MenuChat({ name: 'chat' });
    gateway = createGateway({
      store: createMemoryStore(),
      agent: {
        name: 'x',
        run: async () => ({ text: '', usage: { inputTokens: 0, outputTokens: 0 }, messages: [] }),
      },
      adapters: [chat],
    });
    await gateway.start();
    await vi.waitFor(() => expect(chat.menus).toHaveLength(1));
    const names = chat.menus[0]?.map((c) => c.name) ?? [];
    for (const name of ['help', 'new', 'stop', 'platform', 'background', 'model'])
      expect(names).toContain(name);
    expect(chat.menus[0]?.find((c) => c.name === 'background')?.description).toMatch(/background task/);
  });

  it('shows typing in the chat while the agent works, and stops when it answered', async () => {
    const chat = new MenuChat({ name: 'chat', capabilities: { typing: true } });
    let release: () => void = () => {};
    const agent: Agent = {
      name: 'slow',
      run: () =>
        new Promise((resolve) => {
          release = () => resolve({ text: 'done', usage: { inputTokens: 0, outputTokens: 0 }, messages: [] });
        }),
    };
    gateway = createGateway({ store: createMemoryStore(), agent, adapters: [chat] });
    await gateway.start();
    await chat.receive({ chatId: 'g', chatType: 'group', threadId: 't', text: 'think hard' });
    await vi.waitFor(() => expect(chat.typing).toEqual([{ chatId: 'g', chatType: 'group', threadId: 't' }]));
    release();
    await chat.waitForSent(1);
    const count = chat.typing.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(chat.typing.length).toBe(count);
  });

  it('sends no typing where the platform does not declare it', async () => {
    const chat = new MenuChat({ name: 'chat' });
    gateway = createGateway({
      store: createMemoryStore(),
      agent: {
        name: 'x',
        run: async () => ({ text: 'ok', usage: { inputTokens: 0, outputTokens: 0 }, messages: [] }),
      },
      adapters: [chat],
    });
    await gateway.start();
    await chat.receive({ chatId: 'c', text: 'hi' });
    await chat.waitForSent(1);
    expect(chat.typing).toEqual([]);
  });
});
