/**
 * HTTP throughput and latency of `POST /v1/chat/completions` (non-streaming)
 * through the gateway, against a bare fastify baseline measured by the same
 * load generator in the same run, with the group commit counters of the
 * gateway's store over each measured phase.
 */
import type { WriteBatcherStats } from '../src/persistence/write-batcher.ts';
import { startBareServer } from './bare-server.ts';
import { BENCH_API_KEY, startBenchGateway } from './gateway-server.ts';
import { runLoad } from './load.ts';
import type { LoadResult, SessionMode } from './load-spec.ts';

/** Request counts and limits of one target. */
export interface PhaseSizes {
  warmupRequests: number;
  measureRequests: number;
  maxMeasureMs: number;
}

/** Sizes of the HTTP benchmark. */
export interface HttpBenchSettings {
  /** Requests in flight. */
  concurrency: number;
  /** Sessions of the per-client variant. */
  sessions: number;
  bare: PhaseSizes;
  gateway: PhaseSizes;
  requestTimeoutMs: number;
}

/** Group commit over one measured phase. */
export interface GroupCommitFigures {
  /** Transactions committed. */
  batchesCommitted: number;
  /** Writes committed (over all those transactions). */
  writesCommitted: number;
  /** Transactions rolled back. */
  batchesFailed: number;
  writesPerBatch: number;
  writesPerRequest: number;
  batchesPerRequest: number;
}

/** One gateway variant. */
export interface GatewayVariantResult {
  /** `per-client-sessions` or `fresh-session-per-request`. */
  variant: string;
  load: LoadResult;
  groupCommit: GroupCommitFigures;
  /** Session actors live at the end of the run. */
  liveSessions: number;
  /** Gateway throughput divided by the baseline's. */
  throughputRatio: number;
  /** Gateway p50 latency divided by the baseline's. */
  p50Ratio: number;
}

/** What the HTTP benchmark measured. */
export interface HttpBenchResult {
  bare: LoadResult;
  gateway: GatewayVariantResult[];
}

function groupCommitBetween(
  before: WriteBatcherStats,
  after: WriteBatcherStats,
  requests: number,
): GroupCommitFigures {
  const batches = after.batchesCommitted - before.batchesCommitted;
  const writes = after.opsCommitted - before.opsCommitted;
  return {
    batchesCommitted: batches,
    writesCommitted: writes,
    batchesFailed: after.batchesFailed - before.batchesFailed,
    writesPerBatch: batches > 0 ? writes / batches : 0,
    writesPerRequest: requests > 0 ? writes / requests : 0,
    batchesPerRequest: requests > 0 ? batches / requests : 0,
  };
}

/** Runs one gateway variant on a fresh gateway and database. */
async function runGatewayVariant(
  variant: string,
  sessions: SessionMode,
  settings: HttpBenchSettings,
  bare: LoadResult,
): Promise<GatewayVariantResult> {
  const bench = await startBenchGateway();
  try {
    let before: WriteBatcherStats | undefined;
    const load = await runLoad(
      {
        label: `gateway, ${variant}`,
        baseUrl: bench.baseUrl,
        bearer: BENCH_API_KEY,
        concurrency: settings.concurrency,
        sessions,
        ...settings.gateway,
        requestTimeoutMs: settings.requestTimeoutMs,
      },
      {
        beforeMeasure: async () => {
          await bench.store.flush();
          before = bench.store.batcher.stats;
        },
      },
    );
    await bench.store.flush();
    const after = bench.store.batcher.stats;
    const attempted = load.measured.completed + load.measured.errors + load.measured.mismatched;
    return {
      variant,
      load,
      groupCommit: groupCommitBetween(before ?? after, after, attempted),
      liveSessions: bench.gateway.sessions().length,
      throughputRatio: load.measured.requestsPerSecond / bare.measured.requestsPerSecond,
      p50Ratio: load.measured.latency.p50 / bare.measured.latency.p50,
    };
  } finally {
    await bench.close();
  }
}

/**
 * Measures the baseline, then the gateway with one session per virtual client
 * and with a fresh session per request.
 *
 * @example
 * const result = await runHttpBench({ concurrency: 32, sessions: 64, requestTimeoutMs: 30_000,
 *   bare: { warmupRequests: 2000, measureRequests: 40_000, maxMeasureMs: 5000 },
 *   gateway: { warmupRequests: 500, measureRequests: 10_000, maxMeasureMs: 8000 } });
 */
export async function runHttpBench(settings: HttpBenchSettings): Promise<HttpBenchResult> {
  const server = await startBareServer();
  let bare: LoadResult;
  try {
    bare = await runLoad({
      label: 'bare fastify',
      baseUrl: server.baseUrl,
      concurrency: settings.concurrency,
      sessions: { mode: 'per-client', count: settings.sessions, prefix: 'bare' },
      ...settings.bare,
      requestTimeoutMs: settings.requestTimeoutMs,
    });
  } finally {
    await server.close();
  }
  const perClient = await runGatewayVariant(
    'per-client-sessions',
    { mode: 'per-client', count: settings.sessions, prefix: `bench-${Date.now()}` },
    settings,
    bare,
  );
  const fresh = await runGatewayVariant('fresh-session-per-request', { mode: 'fresh' }, settings, bare);
  return { bare, gateway: [perClient, fresh] };
}
