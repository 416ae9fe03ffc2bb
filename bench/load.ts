/**
 * Runs the load generator in a child process (same Node binary, no build step)
 * and returns what it measured.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BenchError } from './bench-error.ts';
import type { LoadClientMessage, LoadParentMessage, LoadResult, LoadSpec } from './load-spec.ts';

const CLIENT = fileURLToPath(new URL('./load-client.ts', import.meta.url));

/** Hooks around the measured phase. */
export interface LoadHooks {
  /** Runs after the warm-up, before the first measured request (e.g. to read counters). */
  beforeMeasure?: () => void | Promise<void>;
}

/**
 * Forks the load client, hands it `spec` and resolves with its result.
 *
 * @throws BenchError `BENCH_ERR_LOAD` when the client reports an error or exits without a result.
 *
 * @example
 * const result = await runLoad({ label: 'gateway', baseUrl: `http://127.0.0.1:${port}`, bearer: KEY, concurrency: 32,
 *   sessions: { mode: 'per-client', count: 64, prefix: 'bench' }, warmupRequests: 500, measureRequests: 8000,
 *   maxMeasureMs: 8000, requestTimeoutMs: 30_000 }, { beforeMeasure: () => { statsBefore = store.batcher.stats; } });
 */
export function runLoad(spec: LoadSpec, hooks: LoadHooks = {}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(CLIENT, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const send = (message: LoadParentMessage) => child.send(message);
    let settled = false;
    const fail = (error: BenchError) => {
      if (settled) return;
      settled = true;
      child.kill();
      reject(error);
    };
    child.on('message', (message: LoadClientMessage) => {
      if (message.type === 'warm') {
        Promise.resolve(hooks.beforeMeasure?.()).then(
          () => send({ type: 'go' }),
          (error: unknown) =>
            fail(
              new BenchError(
                'BENCH_ERR_LOAD',
                'The hook before the measured phase failed',
                {},
                { cause: error },
              ),
            ),
        );
      } else if (message.type === 'result') {
        settled = true;
        resolve(message.result);
      } else {
        fail(
          new BenchError('BENCH_ERR_LOAD', `The load generator failed: ${message.message}`, {
            label: spec.label,
          }),
        );
      }
    });
    child.once('error', (error) =>
      fail(
        new BenchError(
          'BENCH_ERR_LOAD',
          `Cannot run the load generator: ${error.message}`,
          {},
          { cause: error },
        ),
      ),
    );
    child.once('exit', (code, signal) =>
      fail(
        new BenchError(
          'BENCH_ERR_LOAD',
          `The load generator exited (code ${code}, signal ${signal}) without a result`,
          {
            label: spec.label,
          },
        ),
      ),
    );
    send({ type: 'run', spec });
  });
}
