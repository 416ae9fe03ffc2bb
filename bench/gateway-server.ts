/**
 * The system under test for the HTTP benchmark: the real gateway runtime
 * (`createGateway`) with the echo agent, the SQLite store in a temporary
 * folder and the API server adapter on 127.0.0.1, port 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApiServerAdapter } from '../src/adapters/api-server/index.ts';
import { createEchoAgent } from '../src/agent/echo-agent.ts';
import type { KyselyStore } from '../src/persistence/kysely-store.ts';
import { createSqliteStore } from '../src/persistence/sqlite-store.ts';
import { createGateway, type Gateway } from '../src/runtime/create-gateway.ts';
import { BenchError } from './bench-error.ts';

/** The API key of the benchmark gateway. */
export const BENCH_API_KEY = 'bench-api-key-0123456789';

/** A running benchmark gateway. */
export interface BenchGateway {
  /** `http://127.0.0.1:<port>` of the API server. */
  baseUrl: string;
  gateway: Gateway;
  /** The SQLite store (its `batcher.stats` count the group commits). */
  store: KyselyStore;
  /** Stops the gateway, closes the store and removes the temporary folder. */
  close(): Promise<void>;
}

/** How long the API server may take to listen after the gateway started. */
const LISTEN_TIMEOUT_MS = 5000;

/**
 * Starts a gateway with a fresh database.
 *
 * @throws BenchError `BENCH_ERR_SETUP` when the API server does not listen in time.
 *
 * @example
 * const bench = await startBenchGateway();
 * // POST `${bench.baseUrl}/v1/chat/completions` with `Authorization: Bearer ${BENCH_API_KEY}`
 * await bench.close();
 */
export async function startBenchGateway(): Promise<BenchGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-bench-'));
  const store = createSqliteStore({ path: join(dir, 'state.db') });
  const api = createApiServerAdapter({ host: '127.0.0.1', port: 0, key: BENCH_API_KEY });
  const gateway = createGateway({ store, agent: createEchoAgent(), adapters: [api], closeStoreOnStop: true });
  const close = async () => {
    try {
      await gateway.stop('benchmark done');
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    await gateway.start();
    const deadline = Date.now() + LISTEN_TIMEOUT_MS;
    for (;;) {
      try {
        const { port } = api.address();
        return { baseUrl: `http://127.0.0.1:${port}`, gateway, store, close };
      } catch (error) {
        if (Date.now() > deadline) {
          throw new BenchError(
            'BENCH_ERR_SETUP',
            'The API server did not start listening',
            {},
            { cause: error },
          );
        }
        await sleep(10);
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
}
