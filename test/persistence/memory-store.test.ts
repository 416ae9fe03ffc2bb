/**
 * `createMemoryStore()` is the SQLite store on a private `:memory:` database:
 * the conformance suite runs against it like against a file; these are the
 * few things that are its own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import type { Store } from '../../src/persistence/store.ts';
import { expectCoded, inbound } from './store-conformance.ts';

const open: Store[] = [];
const memoryStore = (): Store => {
  const store = createMemoryStore();
  open.push(store);
  return store;
};

afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
});

describe('createMemoryStore', () => {
  it('is ready without migrate(): writes and reads work at once, and migrate() afterwards keeps them', async () => {
    const store = memoryStore();
    const accepted = await store.inbox.accept(inbound('m1'), 'telegram:dm:42');
    expect((await store.inbox.get(accepted.id))?.message.text).toBe('hello m1');
    await store.migrate();
    expect(await store.inbox.listByStatus('accepted')).toHaveLength(1);
  });

  it('answers a read made in the same tick as its creation', async () => {
    expect(await memoryStore().meta.get('clean_shutdown')).toBeUndefined();
  });

  it('gives every store its own database', async () => {
    const a = memoryStore();
    const b = memoryStore();
    await a.meta.set('k', 'a');
    expect(await b.meta.get('k')).toBeUndefined();
    expect(await a.meta.get('k')).toBe('a');
  });

  it('refuses reads and writes after close, also when it was never used', async () => {
    const store = createMemoryStore();
    await store.close();
    await expectCoded(store.meta.get('k'), 'GATEWAY_ERR_STORE');
    await expectCoded(store.meta.set('k', 'v'), 'GATEWAY_ERR_STORE');
  });
});
