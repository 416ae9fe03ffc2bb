/**
 * The `send_message` tool through a whole in-process gateway: the model sends
 * to another platform's home channel and to an explicit chat through the
 * outbox; unknown platforms and a missing home channel come back as tool
 * errors the model reads; a turn resumed after a restart does not send twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Agent, Tool } from '../../src/agent/agent.ts';
import { createEchoAgent } from '../../src/agent/echo-agent.ts';
import { createOpenAIAgent } from '../../src/agent/openai-agent.ts';
import { type HomeChannel, writeHomeChannel } from '../../src/commands/home-channel.ts';
import { validateConfig } from '../../src/config/validate-config.ts';
import { AbortedError } from '../../src/errors.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import type { Store } from '../../src/persistence/store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import { startFakeModelServer } from '../fakes/fake-model-server.ts';
import { eventually } from '../support/gateway-process.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

const running: Gateway[] = [];
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** The team platform's home channel. */
const TEAM_HOME: HomeChannel = {
  platform: 'team',
  chatId: 'general',
  chatType: 'channel',
  threadId: null,
  setBy: 'boss',
  setAt: 1,
};

/** A gateway with a chat and a team platform, whose model calls send_message with `args` and then repeats the tool's result. */
async function setup(args: Record<string, unknown>, options: { home?: boolean } = {}) {
  const model = await startFakeModelServer();
  cleanup.push(() => model.close());
  model.script(
    { kind: 'tool_calls', calls: [{ name: 'send_message', arguments: JSON.stringify(args) }] },
    (request) => ({ kind: 'text', text: `tool said: ${String(request.messages.at(-1)?.content)}` }),
  );
  const store = createMemoryStore();
  if (options.home ?? true) {
    await writeHomeChannel(store.meta, TEAM_HOME);
  }
  const chat = new MemoryAdapter({ name: 'chat' });
  const team = new MemoryAdapter({ name: 'team' });
  const gateway = createGateway({
    store,
    agent: createOpenAIAgent({ baseURL: model.url, apiKey: 'k', model: 'fake', maxRetries: 0 }),
    adapters: [chat, team],
    config: validateConfig({ display: { tool_progress: 'off' } }),
  });
  running.push(gateway);
  await gateway.start();
  return { chat, team, gateway, model };
}

describe('send_message', () => {
  it('sends to the home channel of another platform and tells the model where it went', async () => {
    const { chat, team, gateway } = await setup({ target: 'home:team', text: 'The build is green' });
    await chat.receive({ chatId: 'c', text: 'tell the team the build is green' });
    await gateway.settled();
    await eventually(() => team.sent.length > 0, 5_000, 'the message in the team channel');
    expect(team.sent.map((m) => [m.chatId, m.chatType, m.text])).toEqual([
      ['general', 'channel', 'The build is green'],
    ]);
    expect(chat.textsTo('c').at(-1)).toBe('tool said: Sent to the home channel of team.');
  });

  it('sends to an explicit chat, given as platform + chat_id', async () => {
    const { chat, team, gateway } = await setup({
      platform: 'team',
      chat_id: 'ops',
      chat_type: 'group',
      thread_id: '7',
      text: 'Deploy done',
    });
    await chat.receive({ chatId: 'c', text: 'tell ops' });
    await gateway.settled();
    await eventually(() => team.sent.length > 0, 5_000, 'the message in the ops chat');
    expect(team.sent.map((m) => [m.chatId, m.chatType, m.threadId, m.text])).toEqual([
      ['ops', 'group', '7', 'Deploy done'],
    ]);
    expect(chat.textsTo('c').at(-1)).toBe('tool said: Sent to team:group:ops:7.');
  });

  it('refuses a platform that is not connected, naming the connected ones', async () => {
    const { chat, team, gateway } = await setup({ target: 'slack:dm:U1', text: 'hi' });
    await chat.receive({ chatId: 'c', text: 'tell slack' });
    await gateway.settled();
    expect(team.sent).toEqual([]);
    expect(chat.textsTo('c').at(-1)).toBe(
      'tool said: Error: send_message failed: The platform "slack" is not connected. Connected platforms: chat, team.',
    );
  });

  it('refuses a home channel that was never set, and says how to set one', async () => {
    const { chat, team, gateway } = await setup({ target: 'home:team', text: 'hi' }, { home: false });
    await chat.receive({ chatId: 'c', text: 'tell the team' });
    await gateway.settled();
    expect(team.sent).toEqual([]);
    expect(chat.textsTo('c').at(-1)).toMatch(
      /^tool said: Error: send_message failed: team has no home channel\. .*\/sethome/,
    );
  });

  it('refuses a target in a form it does not know, with the accepted forms', async () => {
    const { chat, gateway } = await setup({ target: 'team/general', text: 'hi' });
    await chat.receive({ chatId: 'c', text: 'tell the team' });
    await gateway.settled();
    expect(chat.textsTo('c').at(-1)).toContain('Invalid target "team/general"');
    expect(chat.textsTo('c').at(-1)).toContain('home:<platform>');
  });
});

describe('send_message across a restart', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /**
   * A model that replays its turn the same way: it calls send_message (same call id),
   * then works until it is stopped, unless the user said "go on".
   */
  const replayingAgent: Agent = {
    name: 'replaying',
    async run(request) {
      const send = request.tools?.find((t: Tool) => t.name === 'send_message');
      await send?.execute(
        { target: 'home:team', text: 'Starting the migration' },
        { signal: request.signal, sessionKey: request.sessionKey, callId: 'call_announce' },
      );
      if (!request.messages.at(-1)!.content.includes('go on')) {
        await new Promise((_, reject) =>
          request.signal.addEventListener('abort', () => reject(new AbortedError())),
        );
      }
      return createEchoAgent().run(request);
    },
  };

  async function life(path: string) {
    const store: Store = createSqliteStore({ path });
    const chat = new MemoryAdapter({ name: 'chat' });
    const team = new MemoryAdapter({ name: 'team' });
    const gateway = createGateway({ store, agent: replayingAgent, adapters: [chat, team] });
    await gateway.start();
    return { store, chat, team, gateway };
  }

  it('a resumed turn that calls send_message again does not send it twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermes-send-message-'));
    dirs.push(dir);
    const path = join(dir, 'state.db');

    const first = await life(path);
    await writeHomeChannel(first.store.meta, TEAM_HOME);
    await first.chat.receive({ chatId: 'c', text: 'migrate the database', platformMessageId: 'm1' });
    await eventually(
      () => first.team.sent.some((m) => m.text === 'Starting the migration'),
      5_000,
      'the announcement',
    );
    // a graceful restart cuts the turn off while it works
    await first.gateway.stop();
    await first.store.close();

    const second = await life(path);
    try {
      expect((await second.gateway.session('chat:dm:c'))?.state).toBe('restartInterrupted');
      await second.chat.receive({ chatId: 'c', text: 'go on', platformMessageId: 'm2' });
      await eventually(
        () => second.chat.textsTo('c').includes('go on'),
        5_000,
        'the answer of the resumed turn',
      );
      // the resumed turn called the tool again: the outbox kept the first row, nothing was sent again
      const announcements = (adapter: MemoryAdapter) =>
        adapter.sent.filter((m) => m.text === 'Starting the migration').length;
      expect(announcements(first.team)).toBe(1);
      expect(announcements(second.team)).toBe(0);
      const rows = await second.store.outbox.listByStatus(['pending', 'sending', 'sent', 'failed'], 'team');
      expect(rows.filter((r) => r.message.text === 'Starting the migration')).toHaveLength(1);
    } finally {
      await second.gateway.stop();
      await second.store.close();
    }
  });
});
