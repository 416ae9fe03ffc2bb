/**
 * Long-lived structures stay bounded: the session directory keeps one hand-off
 * mark per live session (not one entry per message), and the outbox sender's
 * retry bookkeeping goes with each row once it is settled. Sizes are read
 * through the structures' size accessors, never timed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OutboxSender } from '../../src/actors/outbox-sender.ts';
import { SessionDirectory } from '../../src/actors/session-directory.ts';
import { createEchoAgent } from '../../src/agent/echo-agent.ts';
import { AdapterError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log/runtime-logger.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import type { InboxRow, Store } from '../../src/persistence/store.ts';
import { createSessionLogic } from '../../src/runtime/session-logic.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** Polls (bounded) until `check` holds. */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function memoryStore(): Promise<Store> {
  const store = createMemoryStore();
  await store.migrate();
  cleanups.push(() => store.close());
  return store;
}

describe('bounded state', () => {
  it('the session directory keeps one hand-off mark per live session, whatever the number of messages', async () => {
    const store = await memoryStore();
    let clock = 1_000;
    const directory = new SessionDirectory({
      store,
      logic: createSessionLogic({
        run: { agent: createEchoAgent(), store, log: silentLogger },
        effects: { store, adapters: new Map(), log: silentLogger },
      }),
      log: silentLogger,
      now: () => clock,
      passivateAfterMs: 60_000,
    });
    cleanups.push(() => directory.stop());
    await directory.start();

    const sessions = 3;
    const perSession = 20;
    const adapter = new MemoryAdapter({ name: 'chat' });
    const rows: InboxRow[] = [];
    for (let n = 0; n < perSession; n++) {
      for (let s = 0; s < sessions; s++) {
        const message = adapter.inbound({ chatId: `c${s}`, text: `message ${n}` });
        const { id } = await store.inbox.accept(message, `chat:dm:c${s}`);
        const row = (await store.inbox.get(id))!;
        rows.push(row);
        await directory.deliver(row);
      }
    }
    const total = sessions * perSession;
    await until(
      async () => (await store.inbox.listByStatus('done')).length === total,
      `all ${total} messages answered`,
    );
    expect(directory.sizes()).toMatchObject({ active: sessions, handedOn: sessions });

    // a row offered again (a restart's recovery racing a live ingest) is not handed on twice
    await store.flush();
    const answers = (await store.outbox.listByStatus(['pending'])).length;
    await directory.deliver(rows[0]!);
    await store.flush();
    expect((await store.outbox.listByStatus(['pending'])).length).toBe(answers);
    expect(directory.sizes().handedOn).toBe(sessions);

    // the marks go with the sessions
    clock += 60_000;
    expect(directory.passivateIdle()).toBe(sessions);
    expect(directory.sizes()).toMatchObject({ active: 0, handedOn: 0 });
  });

  it("the outbox sender forgets a row's retry marks once the row is settled", async () => {
    const store = await memoryStore();
    const adapter = new MemoryAdapter({
      name: 'chat',
      send: async (message, attempt) => {
        if (attempt === 1) throw new AdapterError('chat', 'flaky', { retryable: true });
        return { platformMessageId: `out-${message.idempotencyKey}` };
      },
    });
    const sender = new OutboxSender({
      store,
      adapters: new Map([[adapter.name, adapter]]),
      isUp: () => true,
      log: silentLogger,
      retryBaseMs: 1,
    });
    cleanups.push(() => sender.stop(0));
    await sender.start();
    const rows = 30;
    for (let i = 0; i < rows; i++) {
      await store.outbox.enqueue('chat', {
        chatId: `c${i % 3}`,
        chatType: 'dm',
        text: `reply ${i}`,
        inReplyTo: [],
        idempotencyKey: `reply-${i}`,
        sessionKey: `chat:dm:c${i % 3}`,
      });
    }
    sender.notify('chat');
    await until(
      async () => (await store.outbox.listByStatus(['sent'])).length === rows,
      `all ${rows} replies sent after one retry each`,
    );
    await sender.idle();
    expect(sender.sizes()).toEqual({ loops: 0, lanes: 0, retryTimers: 0, notBefore: 0, editAttempts: 0 });
  });
});
