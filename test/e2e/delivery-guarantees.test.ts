/**
 * Nothing accepted is lost and no reply is sent twice blindly: duplicates get
 * one answer; a crash between the agent's answer and its send delivers the
 * reply exactly once after the restart; a crash in the middle of a send is
 * reconciled, never resent blindly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAYBE_MISSING_NOTICE } from '../../src/actors/outbox-sender.ts';
import {
  type Adapter,
  type AdapterContext,
  type InboundMessage,
  NO_CAPABILITIES,
  type OutboundMessage,
  type ReconcileResult,
} from '../../src/adapters/contract.ts';
import { createEchoAgent } from '../../src/agent/echo-agent.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import type { Store } from '../../src/persistence/store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import { eventually } from '../support/gateway-process.ts';

/** How the test chat platform behaves in one gateway life. */
interface ChatBehaviour {
  /** Never finish connecting (replies stay pending). */
  offline?: boolean;
  /** Never finish a send (the outcome stays unknown). */
  sendHangs?: boolean;
  /** Answer reconcile() with this. */
  reconcile?: ReconcileResult;
}

/** A chat platform whose sends the test counts across gateway lives. */
class TestChat implements Adapter {
  readonly name = 'chat';
  readonly capabilities;
  ctx: AdapterContext | undefined;
  readonly sent: OutboundMessage[];
  readonly #behaviour: ChatBehaviour;

  constructor(sent: OutboundMessage[], behaviour: ChatBehaviour = {}) {
    this.sent = sent;
    this.#behaviour = behaviour;
    this.capabilities = { ...NO_CAPABILITIES, reconcile: behaviour.reconcile !== undefined };
  }

  async start(ctx: AdapterContext): Promise<void> {
    this.ctx = ctx;
    if (this.#behaviour.offline) await new Promise(() => {});
  }

  async stop(): Promise<void> {}

  async send(message: OutboundMessage) {
    if (this.#behaviour.sendHangs) await new Promise(() => {});
    this.sent.push(message);
    return { platformMessageId: `out-${this.sent.length}` };
  }

  async reconcile(): Promise<ReconcileResult> {
    return this.#behaviour.reconcile ?? { delivered: false };
  }
}

function message(id: string, text = `hello ${id}`): InboundMessage {
  return { platform: 'chat', chatType: 'dm', chatId: 'c1', userId: 'u1', text, platformMessageId: id };
}

const dirs: string[] = [];
const running: Gateway[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop().catch(() => {});
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function life(store: Store, chat: TestChat): Promise<Gateway> {
  const gateway = createGateway({
    store,
    agent: createEchoAgent(),
    adapters: [chat],
    settings: { adapterStartWaitMs: 100 },
  });
  running.push(gateway);
  await gateway.start();
  await eventually(() => chat.ctx, 5_000, 'the adapter to start');
  return gateway;
}

/** Ends a gateway as a crash would: no drain, no clean-shutdown marker, only what was committed survives. */
async function crash(gateway: Gateway, store: Store): Promise<void> {
  running.splice(running.indexOf(gateway), 1);
  gateway.actor.stop();
  await store.close();
}

/** A gateway whose platform hangs on the reply to `text` is killed while that send is in flight. */
async function crashMidSend(path: string, sent: OutboundMessage[], text: string): Promise<void> {
  const store = createSqliteStore({ path });
  const chat = new TestChat(sent, { sendHangs: true });
  const gateway = await life(store, chat);
  await chat.ctx!.ingest(message('m-1', text));
  await eventually(
    async () => (await store.outbox.listByStatus(['sending'])).length === 1,
    5_000,
    'the send',
  );
  await crash(gateway, store);
}

function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-delivery-'));
  dirs.push(dir);
  return join(dir, 'state.db');
}

describe('delivery guarantees', () => {
  it('the same inbound message id twice gives one reply', async () => {
    const sent: OutboundMessage[] = [];
    const chat = new TestChat(sent);
    const gateway = await life(createMemoryStore(), chat);
    const first = await chat.ctx!.ingest(message('m-1'));
    const again = await chat.ctx!.ingest(message('m-1'));
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ ...first, duplicate: true });
    await gateway.settled();
    expect(sent.map((m) => m.text)).toEqual(['hello m-1']);
  });

  it('a crash between the answer and its send delivers the reply exactly once after the restart', async () => {
    const path = dbPath();
    const sent: OutboundMessage[] = [];

    const storeA = createSqliteStore({ path });
    const chatA = new TestChat(sent, { offline: true });
    const a = await life(storeA, chatA);
    await chatA.ctx!.ingest(message('m-1', 'answer me'));
    await eventually(
      async () => (await storeA.outbox.listByStatus(['pending'])).length === 1,
      5_000,
      'the reply',
    );
    await crash(a, storeA);
    expect(sent).toEqual([]);

    const storeB = createSqliteStore({ path });
    const b = await life(storeB, new TestChat(sent));
    await b.settled();
    expect(sent.map((m) => m.text)).toEqual(['answer me']);
    await b.stop();
    await storeB.close();

    const storeC = createSqliteStore({ path });
    const c = await life(storeC, new TestChat(sent));
    await c.settled();
    expect(sent).toHaveLength(1);
    await c.stop();
    await storeC.close();
  });

  it('a crash in the middle of a send is never resent blindly where the platform cannot check', async () => {
    const path = dbPath();
    const sent: OutboundMessage[] = [];

    await crashMidSend(path, sent, 'in flight');

    // a platform that cannot check: the reply is not resent, and the chat is told once that it may be missing
    const storeB = createSqliteStore({ path });
    const b = await life(storeB, new TestChat(sent));
    await b.settled();
    expect(sent.map((m) => m.text)).toEqual([MAYBE_MISSING_NOTICE]);
    expect(sent[0]?.chatId).toBe(message('m-1', '').chatId);
    expect((await storeB.outbox.listByStatus(['failed'])).length).toBe(1);
    await b.stop();
    await storeB.close();

    // the next start says nothing more
    const storeB2 = createSqliteStore({ path });
    const b2 = await life(storeB2, new TestChat(sent));
    await b2.settled();
    expect(sent).toHaveLength(1);
    await b2.stop();
    await storeB2.close();
  });

  it('a crash in the middle of a send is sent again only when the platform says it never arrived', async () => {
    const path = dbPath();
    const sent: OutboundMessage[] = [];
    await crashMidSend(path, sent, 'in flight');

    // a platform that can check and says it never arrived: sent exactly once, knowingly
    const storeC = createSqliteStore({ path });
    const c = await life(storeC, new TestChat(sent, { reconcile: { delivered: false } }));
    await c.settled();
    expect(sent.map((m) => m.text)).toEqual(['in flight']);
    expect((await storeC.outbox.listByStatus(['sent'])).length).toBe(1);
    await c.stop();
    await storeC.close();
  });

  it('a send the platform confirms on reconciliation is marked sent without sending again', async () => {
    const path = dbPath();
    const sent: OutboundMessage[] = [];
    await crashMidSend(path, sent, 'arrived');

    const storeB = createSqliteStore({ path });
    const b = await life(
      storeB,
      new TestChat(sent, { reconcile: { delivered: true, platformMessageId: 'seen-1' } }),
    );
    await b.settled();
    expect(sent).toEqual([]);
    const [row] = await storeB.outbox.listByStatus(['sent']);
    expect(row?.platformMessageId).toBe('seen-1');
    await b.stop();
    await storeB.close();
  });

  it('a message accepted but not yet handed to its session when the gateway crashed is answered after the restart', async () => {
    const path = dbPath();
    const sent: OutboundMessage[] = [];
    const early = createSqliteStore({ path });
    await early.migrate();
    await early.inbox.accept(message('m-9', 'accepted before the crash'), 'chat:dm:c1');
    await early.close();

    const store = createSqliteStore({ path });
    const gateway = await life(store, new TestChat(sent));
    await gateway.settled();
    expect(sent.map((m) => m.text)).toEqual(['accepted before the crash']);
    await gateway.stop();
    await store.close();
  });
});
