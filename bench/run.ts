/**
 * The benchmark runner (`npm run bench`): HTTP throughput and latency through
 * the gateway against a bare fastify baseline, group commit figures, session
 * activations and passivations per second, and heap per live session actor.
 * Prints a readable report and writes it as JSON to `bench/results/latest.json`.
 *
 * Usage: `node bench/run.ts [--quick]`. `--quick` runs small sizes, to check
 * that the benchmark works, not to compare figures. The runner re-executes
 * itself with `--expose-gc` when Node was started without it (the heap figure
 * needs full collections).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type HttpBenchSettings, runHttpBench } from './http-bench.ts';
import { collectMachineFacts } from './machine-facts.ts';
import { type BenchReport, formatReport } from './report.ts';
import { runSessionBench, type SessionBenchSettings } from './session-bench.ts';

const RESULT_FILE = fileURLToPath(new URL('./results/latest.json', import.meta.url));

/** Sizes of a full run: about 30 s on a 2-core machine. */
const FULL: { http: HttpBenchSettings; sessions: SessionBenchSettings } = {
  http: {
    concurrency: 32,
    sessions: 64,
    bare: { warmupRequests: 2000, measureRequests: 100_000, maxMeasureMs: 4000 },
    gateway: { warmupRequests: 500, measureRequests: 10_000, maxMeasureMs: 8000 },
    requestTimeoutMs: 30_000,
  },
  sessions: { sessions: 5000, rounds: 5 },
};

/** Sizes of `--quick`: a few seconds. */
const QUICK: typeof FULL = {
  http: {
    concurrency: 8,
    sessions: 16,
    bare: { warmupRequests: 100, measureRequests: 1000, maxMeasureMs: 1000 },
    gateway: { warmupRequests: 50, measureRequests: 300, maxMeasureMs: 1000 },
    requestTimeoutMs: 30_000,
  },
  sessions: { sessions: 300, rounds: 2 },
};

/** Runs this script again under `--expose-gc` and exits with its status. */
function reexecWithGc(): never {
  const result = spawnSync(
    process.execPath,
    ['--expose-gc', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exit(result.status ?? 1);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  const settings = values.quick ? QUICK : FULL;
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const machine = collectMachineFacts();
  process.stderr.write(`benchmark: sessions (${settings.sessions.sessions} persisted sessions)...\n`);
  const sessions = await runSessionBench(settings.sessions);
  process.stderr.write('benchmark: HTTP (bare baseline, then the gateway twice)...\n');
  const http = await runHttpBench(settings.http);
  const report: BenchReport = {
    startedAt,
    durationMs: performance.now() - started,
    machine,
    settings,
    http,
    sessions,
  };
  process.stdout.write(`\n${formatReport(report)}`);
  mkdirSync(dirname(RESULT_FILE), { recursive: true });
  writeFileSync(RESULT_FILE, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`JSON report: ${RESULT_FILE}\n`);
}

if (globalThis.gc === undefined) reexecWithGc();
await main();
