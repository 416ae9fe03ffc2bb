/**
 * The outbox facade: a reply enqueued through it wakes the sender once its row
 * committed (the sender finds it when woken), a stream wakes it only when its
 * final text is ready, and the store around it is the same store otherwise.
 */
import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/adapters/contract.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { Outbox, withOutbox } from '../../src/runtime/outbox.ts';

function reply(key: string): OutboundMessage {
  return {
    chatId: '1',
    chatType: 'dm',
    text: `answer ${key}`,
    inReplyTo: [],
    idempotencyKey: key,
    sessionKey: 'chat:dm:1',
  };
}

describe('outbox facade', () => {
  it('wakes the sender after the row committed, once per committed reply', async () => {
    const base = createMemoryStore();
    await base.migrate();
    const looks: Promise<{ platform: string; pending: number }>[] = [];
    const outbox = new Outbox(base.outbox, (platform) => {
      // what the sender finds when woken
      looks.push(
        base.outbox.listByStatus(['pending'], platform).then((rows) => ({ platform, pending: rows.length })),
      );
    });
    const store = withOutbox(base, outbox);
    await store.outbox.enqueue('chat', reply('a'));
    await store.outbox.enqueue('chat', reply('b'));
    expect(await Promise.all(looks)).toEqual([
      { platform: 'chat', pending: 1 },
      { platform: 'chat', pending: 2 },
    ]);
    await base.close();
  });

  it('wakes for a stream only when its final text is pending', async () => {
    const base = createMemoryStore();
    await base.migrate();
    const woken: string[] = [];
    const store = withOutbox(base, new Outbox(base.outbox, (p) => woken.push(p)));
    await store.outbox.saveStream('chat', { ...reply('s'), draft: true }, 'streaming');
    expect(woken).toEqual([]);
    await store.outbox.saveStream('chat', reply('s'), 'pending');
    expect(woken).toEqual(['chat']);
    await base.close();
  });

  it('leaves every other part of the store as it is', async () => {
    const base = createMemoryStore();
    const store = withOutbox(base, new Outbox(base.outbox, () => {}));
    expect(store.outbox).not.toBe(base.outbox);
    expect(store.inbox).toBe(base.inbox);
    await store.migrate();
    await store.meta.set('k', 'v');
    await store.flush();
    expect(await base.meta.get('k')).toBe('v');
    await store.close();
  });
});
