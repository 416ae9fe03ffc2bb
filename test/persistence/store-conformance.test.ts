import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import { runStoreConformance } from './store-conformance.ts';

const dir = mkdtempSync(join(tmpdir(), 'hermes-store-conformance-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runStoreConformance(
  'sqlite (file)',
  async (clock) => {
    n += 1;
    return createSqliteStore({ path: join(dir, `state-${n}.db`), now: clock.now });
  },
  { connectAgain: async (clock) => createSqliteStore({ path: join(dir, `state-${n}.db`), now: clock.now }) },
);

runStoreConformance('memory (sqlite :memory:)', async (clock) => createMemoryStore({ now: clock.now }));
