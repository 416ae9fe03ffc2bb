/**
 * The outbox sender against recording fake platforms: replies go out once and
 * in order, retryable failures are retried and fatal ones are not, a reply
 * whose send a crash interrupted is never resent blindly, and one platform
 * never holds up another.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAYBE_MISSING_NOTICE, OutboxSender, type OutboxSenderDeps } from '../../src/actors/outbox-sender.ts';
import type { Adapter, OutboundMessage, SendResult } from '../../src/adapters/contract.ts';
import { AdapterError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log/runtime-logger.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import type { OutboxRow, OutboxStatus, Store } from '../../src/persistence/store.ts';
import { outboxRow } from '../persistence/store-conformance.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

let dir: string;
const stores: Store[] = [];
const senders: OutboxSender[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hermes-outbox-'));
});

afterEach(async () => {
  for (const s of senders.splice(0)) await s.stop(0);
  for (const s of stores.splice(0)) await s.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

/** Opens the database file (again, after a "crash"). */
async function openStore(): Promise<Store> {
  const store = createSqliteStore({ path: join(dir, 'state.db') });
  await store.migrate();
  stores.push(store);
  return store;
}

function reply(key: string, overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    chatId: '42',
    chatType: 'dm',
    text: `answer ${key}`,
    inReplyTo: [`in-${key}`],
    idempotencyKey: key,
    sessionKey: 'chat:dm:42',
    ...overrides,
  };
}

function sender(
  store: Store,
  adapters: Adapter[],
  options: Partial<OutboxSenderDeps> = {},
): { sender: OutboxSender; settled: OutboxRow[] } {
  const settled: OutboxRow[] = [];
  const s = new OutboxSender({
    store,
    adapters: new Map(adapters.map((a) => [a.name, a])),
    isUp: () => true,
    log: silentLogger,
    retryBaseMs: 2,
    onSettled: (row) => settled.push(row),
    ...options,
  });
  senders.push(s);
  return { sender: s, settled };
}

/** Polls the store (bounded) until the row has the status. */
async function statusOf(
  store: Store,
  id: number,
  status: OutboxStatus,
  timeoutMs = 10_000,
): Promise<OutboxRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await outboxRow(store, id);
    if (row?.status === status) return row;
    if (Date.now() > deadline) {
      throw new Error(`Outbox row ${id} is ${row?.status}, not ${status}, after ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

const retryable = (platform: string, message = 'HTTP 502 from the platform') =>
  new AdapterError(platform, message, { retryable: true });

/** A send that waits until the test lets it finish. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('outbox sender', () => {
  it('sends pending replies once each, in order, and marks them sent with the platform id', async () => {
    const store = await openStore();
    const chat = new MemoryAdapter({ name: 'chat' });
    const before = [
      await store.outbox.enqueue('chat', reply('r1')),
      await store.outbox.enqueue('chat', reply('r2')),
    ];
    const s = sender(store, [chat]);
    await s.sender.start();
    const after = await store.outbox.enqueue('chat', reply('r3'));
    s.sender.notify();
    s.sender.notify('chat');
    const r3 = await statusOf(store, after, 'sent');
    await s.sender.idle();
    s.sender.notify();
    await s.sender.idle();

    expect(chat.attempts.map((m) => m.idempotencyKey)).toEqual(['r1', 'r2', 'r3']);
    const rows = [await outboxRow(store, before[0]!), await outboxRow(store, before[1]!), r3];
    expect(rows.map((r) => [r?.status, r?.platformMessageId, r?.attempts])).toEqual([
      ['sent', 'chat-out-1', 1],
      ['sent', 'chat-out-2', 1],
      ['sent', 'chat-out-3', 1],
    ]);
    expect(s.settled.map((r) => [r.idempotencyKey, r.status])).toEqual([
      ['r1', 'sent'],
      ['r2', 'sent'],
      ['r3', 'sent'],
    ]);
  });

  it('retries a retryable failure and then delivers the reply', async () => {
    const store = await openStore();
    const chat = new MemoryAdapter({
      name: 'chat',
      send: async (_m, attempt) => {
        if (attempt < 3) throw retryable('chat');
        return { platformMessageId: 'delivered-on-3' };
      },
    });
    const id = await store.outbox.enqueue('chat', reply('r1'));
    const s = sender(store, [chat]);
    await s.sender.start();
    const row = await statusOf(store, id, 'sent');
    expect(row.attempts).toBe(3);
    expect(row.platformMessageId).toBe('delivered-on-3');
    expect(chat.attempts).toHaveLength(3);
    expect(chat.sent).toHaveLength(1);
  });

  it('marks a fatal failure (or an unexpected error) failed without retrying it', async () => {
    const store = await openStore();
    const chat = new MemoryAdapter({
      name: 'chat',
      send: async (m) => {
        if (m.idempotencyKey === 'r2') throw new TypeError('unexpected reply shape');
        throw new AdapterError('chat', 'bot was blocked by the user', { retryable: false });
      },
    });
    const id = await store.outbox.enqueue('chat', reply('r1'));
    const next = await store.outbox.enqueue('chat', reply('r2'));
    const s = sender(store, [chat]);
    await s.sender.start();
    const row = await statusOf(store, id, 'failed');
    expect((await statusOf(store, next, 'failed')).lastError).toContain('unexpected reply shape');
    await s.sender.idle();
    s.sender.notify();
    await s.sender.idle();
    expect(row.attempts).toBe(1);
    expect(row.lastError).toContain('bot was blocked by the user');
    expect(chat.attempts.map((m) => m.idempotencyKey)).toEqual(['r1', 'r2']);
    expect(s.settled.map((r) => r.status)).toEqual(['failed', 'failed']);
  });

  it('gives up after maxAttempts retryable failures', async () => {
    const store = await openStore();
    const chat = new MemoryAdapter({
      name: 'chat',
      send: async () => {
        throw retryable('chat', 'rate limited');
      },
    });
    const id = await store.outbox.enqueue('chat', reply('r1'));
    const s = sender(store, [chat], { maxAttempts: 3 });
    await s.sender.start();
    const row = await statusOf(store, id, 'failed');
    await s.sender.idle();
    s.sender.notify();
    await s.sender.idle();
    expect(row.attempts).toBe(3);
    expect(chat.attempts).toHaveLength(3);
    expect(s.settled.map((r) => [r.idempotencyKey, r.status])).toEqual([['r1', 'failed']]);
  });

  it('a reply a crash left `sending` is never resent where the platform cannot check: the chat is told once', async () => {
    const crashed = await openStore();
    const inFlight = await crashed.outbox.enqueue('chat', reply('in-flight'));
    const waiting = await crashed.outbox.enqueue('chat', reply('waiting'));
    await crashed.outbox.markSending(inFlight);
    await crashed.close(); // the process died here, mid-send

    const store = await openStore();
    const chat = new MemoryAdapter({ name: 'chat' });
    const s = sender(store, [chat]);
    await s.sender.start();
    await statusOf(store, waiting, 'sent');
    await s.sender.idle();
    s.sender.notify();
    await s.sender.idle();

    const row = await outboxRow(store, inFlight);
    expect(row?.status).toBe('failed');
    expect(row?.lastError).toMatch(/unknown/);
    expect(chat.attempts.map((m) => m.idempotencyKey).sort()).toEqual(['unknown:in-flight', 'waiting']);
    const notice = chat.attempts.find((m) => m.idempotencyKey === 'unknown:in-flight');
    expect(notice?.text).toBe(MAYBE_MISSING_NOTICE);
    expect(notice?.text).toContain('/retry');

    // another restart: neither the reply nor the notice goes out again
    const again = sender(store, [chat]);
    await again.sender.start();
    await again.sender.idle();
    expect(chat.attempts).toHaveLength(2);
  });

  it('with a reconciling platform a delivered reply becomes sent and an undelivered one is sent exactly once', async () => {
    const crashed = await openStore();
    const delivered = await crashed.outbox.enqueue('chat', reply('delivered'));
    const lost = await crashed.outbox.enqueue('chat', reply('lost'));
    await crashed.outbox.markSending(delivered);
    await crashed.outbox.markSending(lost);
    await crashed.close();

    const store = await openStore();
    const chat = new MemoryAdapter({
      name: 'chat',
      reconcile: async (m) =>
        m.idempotencyKey === 'delivered'
          ? { delivered: true, platformMessageId: 'found-on-platform' }
          : { delivered: false },
    });
    const s = sender(store, [chat]);
    await s.sender.start();
    const resent = await statusOf(store, lost, 'sent');
    await s.sender.idle();
    s.sender.notify();
    await s.sender.idle();

    const kept = await outboxRow(store, delivered);
    expect(kept?.status).toBe('sent');
    expect(kept?.platformMessageId).toBe('found-on-platform');
    expect(resent.platformMessageId).toBe('chat-out-1');
    expect(chat.reconciled.map((m) => m.idempotencyKey)).toEqual(['delivered', 'lost']);
    expect(chat.attempts.map((m) => m.idempotencyKey)).toEqual(['lost']);
  });

  it('checks the unknown replies of a reconciling platform once it comes up after the start', async () => {
    const crashed = await openStore();
    const delivered = await crashed.outbox.enqueue('chat', reply('delivered'));
    const lost = await crashed.outbox.enqueue('chat', reply('lost'));
    await crashed.outbox.markSending(delivered);
    await crashed.outbox.markSending(lost);
    await crashed.close();

    const store = await openStore();
    const up = new Set<string>();
    const chat = new MemoryAdapter({
      name: 'chat',
      reconcile: async (m) =>
        m.idempotencyKey === 'delivered'
          ? { delivered: true, platformMessageId: 'p-9' }
          : { delivered: false },
    });
    const s = sender(store, [chat], { isUp: (p) => up.has(p) });
    await s.sender.start();
    await s.sender.idle();
    expect(chat.reconciled).toEqual([]);
    expect((await outboxRow(store, lost))?.status).toBe('unknown_after_send');

    up.add('chat');
    s.sender.notify('chat');
    await statusOf(store, lost, 'sent');
    await s.sender.idle();
    s.sender.notify('chat');
    await s.sender.idle();
    expect((await outboxRow(store, delivered))?.status).toBe('sent');
    expect(chat.reconciled.map((m) => m.idempotencyKey)).toEqual(['delivered', 'lost']);
    expect(chat.attempts.map((m) => m.idempotencyKey)).toEqual(['lost']);
  });

  it('a platform that hangs on send does not hold up another platform', async () => {
    const store = await openStore();
    const hang = gate();
    const slow = new MemoryAdapter({
      name: 'slow',
      send: async (): Promise<SendResult> => {
        await hang.promise;
        return { platformMessageId: 'slow-1' };
      },
    });
    const fast = new MemoryAdapter({ name: 'fast' });
    const slowRow = await store.outbox.enqueue('slow', reply('to-slow'));
    const fastRow = await store.outbox.enqueue('fast', reply('to-fast'));
    const s = sender(store, [slow, fast]);
    await s.sender.start();

    await statusOf(store, fastRow, 'sent');
    expect((await outboxRow(store, slowRow))?.status).toBe('sending');
    expect(slow.sent).toEqual([]);

    const later = await store.outbox.enqueue('fast', reply('to-fast-2'));
    s.sender.notify();
    await statusOf(store, later, 'sent');
    expect((await outboxRow(store, slowRow))?.status).toBe('sending');

    hang.open();
    await statusOf(store, slowRow, 'sent');
    expect(slow.attempts).toHaveLength(1);
  });

  it('keeps the replies of a platform that is not up pending until it comes up', async () => {
    const store = await openStore();
    const up = new Set<string>();
    const chat = new MemoryAdapter({ name: 'chat' });
    const ids = [
      await store.outbox.enqueue('chat', reply('r1')),
      await store.outbox.enqueue('chat', reply('r2')),
    ];
    const s = sender(store, [chat], { isUp: (p) => up.has(p) });
    await s.sender.start();
    s.sender.notify();
    await s.sender.idle();
    expect(chat.attempts).toEqual([]);
    for (const id of ids) expect((await outboxRow(store, id))?.status).toBe('pending');

    up.add('chat');
    s.sender.notify('chat');
    await statusOf(store, ids[1]!, 'sent');
    expect((await outboxRow(store, ids[0]!))?.status).toBe('sent');
    expect(chat.attempts.map((m) => m.idempotencyKey)).toEqual(['r1', 'r2']);
  });
});
