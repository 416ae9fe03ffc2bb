/**
 * A streamed reply is one outbox record from its first piece on: a crash in the
 * middle of streaming, or between the answer and its final edit, ends with one
 * message in the chat holding the final answer, never a streamed message plus a
 * copy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Adapter,
  type AdapterContext,
  type InboundMessage,
  type MessageRef,
  NO_CAPABILITIES,
  type OutboundMessage,
} from '../../src/adapters/contract.ts';
import type { Agent, AgentRequest } from '../../src/agent/agent.ts';
import { lastUserText } from '../../src/agent/last-user-message.ts';
import { DEFAULT_CONFIG, type GatewayConfig } from '../../src/config/schema.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import type { Store } from '../../src/persistence/store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import { eventually } from '../support/gateway-process.ts';

/** What the platform shows: each bot message with its current text, and every call that created one. */
interface PlatformView {
  messages: Map<string, string>;
  deleted: string[];
  creates: OutboundMessage[];
  edits: { id: string; text: string }[];
}

/** A platform that can edit; `editHangs` makes every edit hang (the process dies during it). */
class EditingChat implements Adapter {
  readonly name = 'chat';
  readonly capabilities = { ...NO_CAPABILITIES, streaming: true, edit: true, delete: true };
  readonly editIntervalMs = 30;
  ctx: AdapterContext | undefined;
  readonly #view: PlatformView;
  readonly #editHangs: boolean;

  constructor(view: PlatformView, options: { editHangs?: boolean } = {}) {
    this.#view = view;
    this.#editHangs = options.editHangs ?? false;
  }

  async start(ctx: AdapterContext): Promise<void> {
    this.ctx = ctx;
  }

  async stop(): Promise<void> {}

  async send(message: OutboundMessage) {
    const id = `out-${this.#view.creates.length + 1}`;
    this.#view.creates.push(message);
    this.#view.messages.set(id, message.text);
    return { platformMessageId: id };
  }

  async edit(ref: MessageRef, text: string): Promise<void> {
    if (this.#editHangs) await new Promise(() => {});
    this.#view.edits.push({ id: ref.messageId, text });
    this.#view.messages.set(ref.messageId, text);
  }

  async delete(ref: MessageRef): Promise<void> {
    this.#view.deleted.push(ref.messageId);
    this.#view.messages.delete(ref.messageId);
  }
}

/** Runs `ls` (a tool event, 200 ms), then streams `answer: <text>`; with `hang` it never gets past the tool. */
function toolAgent(options: { hang: boolean; afterDeltaMs?: number }): Agent {
  return {
    name: 'tool-then-answer',
    async run(request: AgentRequest) {
      request.onEvent({ type: 'tool.start', callId: 'c1', name: 'terminal', arguments: '{"command":"ls"}' });
      if (options.hang) await new Promise(() => {});
      await new Promise((r) => setTimeout(r, 200)); // the command takes a moment
      request.onEvent({ type: 'tool.end', callId: 'c1', name: 'terminal', output: 'ok', ok: true });
      const text = `answer: ${lastUserText(request.messages)}`;
      request.onEvent({ type: 'text.delta', text });
      await new Promise((r) => setTimeout(r, options.afterDeltaMs ?? 0));
      return {
        text,
        usage: { inputTokens: 1, outputTokens: 1 },
        messages: [{ role: 'assistant', content: text }],
      };
    },
  };
}

/** Streams `answer: <words of the last message>` a word at a time; `hangAfter` pieces then waits forever. */
function streamingAgent(options: { gapMs: number; hangAfter?: number }): Agent {
  return {
    name: 'streaming',
    async run(request: AgentRequest) {
      const words = ['answer:', ...lastUserText(request.messages).split(/\s+/)];
      for (const [i, word] of words.entries()) {
        if (i === options.hangAfter) await new Promise(() => {});
        await new Promise((r) => setTimeout(r, options.gapMs));
        request.onEvent({ type: 'text.delta', text: `${i ? ' ' : ''}${word}` });
      }
      const text = words.join(' ');
      return {
        text,
        usage: { inputTokens: 1, outputTokens: 1 },
        messages: [{ role: 'assistant', content: text }],
      };
    },
  };
}

const dirs: string[] = [];
const running: Gateway[] = [];

afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-stream-crash-'));
  dirs.push(dir);
  return join(dir, 'state.db');
}

function message(id: string, text: string): InboundMessage {
  return { platform: 'chat', chatType: 'dm', chatId: 'c1', userId: 'u1', text, platformMessageId: id };
}

async function life(store: Store, chat: EditingChat, agent: Agent, config?: GatewayConfig): Promise<Gateway> {
  const gateway = createGateway({
    store,
    agent,
    adapters: [chat],
    settings: { adapterStartWaitMs: 100 },
    ...(config ? { config } : {}),
  });
  running.push(gateway);
  await gateway.start();
  await eventually(() => chat.ctx, 5_000, 'the adapter to start');
  return gateway;
}

/** Ends a gateway as a crash would: no drain, only what was committed survives. */
async function crash(gateway: Gateway, store: Store): Promise<void> {
  running.splice(running.indexOf(gateway), 1);
  gateway.actor.stop();
  await store.close();
}

/** The configuration with `cleanup_progress` on for the test platform. */
const CLEANUP_PROGRESS = {
  ...DEFAULT_CONFIG,
  display: { ...DEFAULT_CONFIG.display, platforms: { chat: { cleanup_progress: true } } },
} as GatewayConfig;

function newView(): PlatformView {
  return { messages: new Map(), creates: [], edits: [], deleted: [] };
}

describe('a streamed reply across a crash', () => {
  it('killed in the middle of streaming: the resumed turn edits the message the user already sees', async () => {
    const path = dbPath();
    const view = newView();
    const storeA = createSqliteStore({ path });
    const chatA = new EditingChat(view);
    const a = await life(storeA, chatA, streamingAgent({ gapMs: 20, hangAfter: 3 }));
    await chatA.ctx!.ingest(message('m-1', 'one two three four'));
    await eventually(() => view.messages.get('out-1') === 'answer: one two', 5_000, 'the streamed message');
    await crash(a, storeA);

    const storeB = createSqliteStore({ path });
    const chatB = new EditingChat(view);
    const b = await life(storeB, chatB, streamingAgent({ gapMs: 5 }));
    // the next message resumes the cut-off turn, which answers both
    await chatB.ctx!.ingest(message('m-2', 'five'));
    await b.settled();

    const answers = [...view.messages.values()].filter((t) => t.startsWith('answer:'));
    expect(answers).toHaveLength(1);
    expect(view.messages.get('out-1')).toMatch(/^answer: .*five$/);
    expect(view.creates.filter((m) => m.text.startsWith('answer:'))).toHaveLength(1);
    const rows = await storeB.outbox.listByStatus(['sent']);
    expect(rows.filter((r) => r.platformMessageId === 'out-1')).toHaveLength(1);
  });

  it('killed while the final text was being edited in: the restart edits it again, nothing is sent twice', async () => {
    const path = dbPath();
    const view = newView();
    const storeA = createSqliteStore({ path });
    const chatA = new EditingChat(view, { editHangs: true });
    const a = await life(storeA, chatA, streamingAgent({ gapMs: 5 }));
    await chatA.ctx!.ingest(message('m-1', 'alpha beta gamma'));
    await eventually(
      async () => (await storeA.outbox.listByStatus(['pending'])).some((r) => r.message.editsMessage),
      5_000,
      'the final text committed',
    );
    await new Promise((r) => setTimeout(r, 50)); // the sender is now stuck in the final edit
    await crash(a, storeA);

    const storeB = createSqliteStore({ path });
    const b = await life(storeB, new EditingChat(view), streamingAgent({ gapMs: 5 }));
    await b.settled();

    expect([...view.messages.values()]).toEqual(['answer: alpha beta gamma']);
    expect(view.creates).toHaveLength(1);
    expect(view.edits.at(-1)).toEqual({ id: 'out-1', text: 'answer: alpha beta gamma' });
  });

  it('killed while a tool runs: the resumed turn edits the same progress bubble, deleted once the answer arrived', async () => {
    const path = dbPath();
    const view = newView();
    const storeA = createSqliteStore({ path });
    const chatA = new EditingChat(view);
    const a = await life(storeA, chatA, toolAgent({ hang: true }), CLEANUP_PROGRESS);
    await chatA.ctx!.ingest(message('m-1', 'list files'));
    await eventually(() => view.messages.get('out-1')?.startsWith('💻'), 5_000, 'the progress bubble');
    await eventually(
      async () =>
        (await storeA.outbox.listByStatus(['streaming'])).some((r) => r.message.progressMessages?.length),
      5_000,
      'the progress bubble kept with the reply',
    );
    await crash(a, storeA);

    const storeB = createSqliteStore({ path });
    const chatB = new EditingChat(view);
    const b = await life(storeB, chatB, toolAgent({ hang: false }), CLEANUP_PROGRESS);
    await chatB.ctx!.ingest(message('m-2', 'go on'));
    await b.settled();
    await eventually(() => view.deleted.includes('out-1'), 5_000, 'the progress bubble deleted');

    // one progress bubble in all (edited after the restart, not sent again), then one answer
    expect(view.creates.filter((m) => m.text.startsWith('💻'))).toHaveLength(1);
    expect(view.edits.some((e) => e.id === 'out-1')).toBe(true);
    expect([...view.messages.values()]).toEqual(['answer: go on']);
  });

  it('a reply delivered after a restart deletes the progress bubbles its run showed before it', async () => {
    const path = dbPath();
    const view = newView();
    const storeA = createSqliteStore({ path });
    const chatA = new EditingChat(view, { editHangs: true });
    const a = await life(storeA, chatA, toolAgent({ hang: false, afterDeltaMs: 100 }), CLEANUP_PROGRESS);
    await chatA.ctx!.ingest(message('m-1', 'list files'));
    await eventually(
      async () =>
        (await storeA.outbox.listByStatus(['pending'])).some((r) => r.message.progressMessages?.length),
      5_000,
      'the answer committed with its progress bubble',
    );
    await new Promise((r) => setTimeout(r, 50)); // the sender is stuck in the final edit
    await crash(a, storeA);

    const storeB = createSqliteStore({ path });
    const b = await life(storeB, new EditingChat(view), toolAgent({ hang: false }), CLEANUP_PROGRESS);
    await b.settled();
    await eventually(() => view.deleted.includes('out-1'), 5_000, 'the progress bubble deleted');
    expect([...view.messages.values()]).toEqual(['answer: list files']);
  });

  it('a reply longer than one message finishes the streamed message and sends only the rest', async () => {
    const view = newView();
    const store = createSqliteStore({ path: dbPath() });
    const chat = new EditingChat(view);
    Object.assign(chat, { capabilities: { ...chat.capabilities, maxMessageLength: 100 } });
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    const g = await life(store, chat, streamingAgent({ gapMs: 1 }));
    await chat.ctx!.ingest(message('m-1', words));
    await g.settled();
    const shown = [...view.messages.values()];
    expect(shown.length).toBeGreaterThan(1);
    for (const text of shown) expect(text.length).toBeLessThanOrEqual(100);
    expect(shown.join(' ').split(/\s+/)).toEqual(`answer: ${words}`.split(/\s+/));
    await g.stop();
    await store.close();
  });
});
