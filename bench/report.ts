/**
 * The benchmark report: its JSON shape (written to `bench/results/latest.json`)
 * and its text form for the terminal.
 */
import type { HttpBenchResult, HttpBenchSettings } from './http-bench.ts';
import type { LoadResult } from './load-spec.ts';
import type { MachineFacts } from './machine-facts.ts';
import type { SessionBenchResult, SessionBenchSettings } from './session-bench.ts';

/** Everything one `npm run bench` measured. */
export interface BenchReport {
  /** ISO time the run started. */
  startedAt: string;
  /** Wall time of the whole run. */
  durationMs: number;
  machine: MachineFacts;
  settings: { http: HttpBenchSettings; sessions: SessionBenchSettings };
  http: HttpBenchResult;
  sessions: SessionBenchResult;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const ratio = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

function ms(value: number): string {
  return `${decimal.format(value)} ms`;
}

function bytes(value: number): string {
  if (Math.abs(value) >= 1024 * 1024) return `${decimal.format(value / (1024 * 1024))} MiB`;
  if (Math.abs(value) >= 1024) return `${decimal.format(value / 1024)} KiB`;
  return `${integer.format(value)} B`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function padStart(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

function loadRow(name: string, load: LoadResult): string {
  const m = load.measured;
  const failures = m.errors + m.mismatched;
  return [
    pad(name, 34),
    padStart(integer.format(m.completed), 8),
    padStart(`${integer.format(m.requestsPerSecond)}/s`, 10),
    padStart(ms(m.latency.p50), 12),
    padStart(ms(m.latency.p90), 12),
    padStart(ms(m.latency.p99), 12),
    padStart(ms(m.latency.max), 12),
    padStart(integer.format(failures), 7),
  ].join(' ');
}

/**
 * Formats the report for a terminal.
 *
 * @example
 * process.stdout.write(formatReport(report));
 */
export function formatReport(report: BenchReport): string {
  const { machine, http, sessions, settings } = report;
  const lines: string[] = [];
  lines.push('hermes-gateway benchmark');
  lines.push('========================');
  lines.push(`started      ${report.startedAt}   (run took ${decimal.format(report.durationMs / 1000)} s)`);
  lines.push(`node         ${machine.node}   ${machine.os}`);
  lines.push(
    `cpu          ${machine.cpuModel}, ${machine.cores} cores, ${bytes(machine.totalMemoryBytes)} RAM`,
  );
  lines.push(`sqlite       ${machine.sqlite} (WAL, synchronous=FULL, temp dir)`);
  lines.push('');

  const h = settings.http;
  lines.push('HTTP: POST /v1/chat/completions (non-streaming, echo agent) vs a bare fastify route');
  lines.push(
    `     load generator: child process, node:http keep-alive, ${h.concurrency} in flight; ` +
      `per-client variant: ${h.sessions} sessions (X-Hermes-Session-Id), request i -> session i mod ${h.sessions}`,
  );
  lines.push(
    `     bare: ${integer.format(h.bare.warmupRequests)} warm-up, then up to ${integer.format(h.bare.measureRequests)} requests / ${decimal.format(h.bare.maxMeasureMs / 1000)} s; ` +
      `gateway: ${integer.format(h.gateway.warmupRequests)} warm-up, then up to ${integer.format(h.gateway.measureRequests)} requests / ${decimal.format(h.gateway.maxMeasureMs / 1000)} s`,
  );
  lines.push('');
  lines.push(
    [
      pad('target', 34),
      padStart('requests', 8),
      padStart('throughput', 10),
      padStart('p50', 12),
      padStart('p90', 12),
      padStart('p99', 12),
      padStart('max', 12),
      padStart('failed', 7),
    ].join(' '),
  );
  lines.push(loadRow('bare fastify (baseline)', http.bare));
  for (const variant of http.gateway) lines.push(loadRow(`gateway, ${variant.variant}`, variant.load));
  lines.push('');
  for (const variant of http.gateway) {
    lines.push(
      `     gateway/bare, ${pad(`${variant.variant}:`, 27)} throughput x${ratio.format(variant.throughputRatio)}` +
        `   p50 x${ratio.format(variant.p50Ratio)}   (${integer.format(variant.liveSessions)} live sessions at the end)`,
    );
  }
  for (const load of [http.bare, ...http.gateway.map((v) => v.load)]) {
    if (load.firstError !== undefined) lines.push(`     first failure (${load.label}): ${load.firstError}`);
  }
  lines.push('');

  lines.push('Group commit during the measured HTTP phase (SQLite store batcher)');
  for (const variant of http.gateway) {
    const g = variant.groupCommit;
    lines.push(
      `     ${pad(`${variant.variant}:`, 28)} ${integer.format(g.batchesCommitted)} batches committed, ` +
        `${integer.format(g.writesCommitted)} writes committed = ${decimal.format(g.writesPerBatch)} writes/batch; ` +
        `per request ${decimal.format(g.writesPerRequest)} writes in ${decimal.format(g.batchesPerRequest)} batches` +
        (g.batchesFailed > 0 ? `; ${integer.format(g.batchesFailed)} batches ROLLED BACK` : ''),
    );
  }
  lines.push('');

  lines.push(
    `Session activation / passivation from the store (${integer.format(sessions.sessions)} persisted sessions)`,
  );
  lines.push(
    `     created through one real turn each in ${ms(sessions.createMs)} (${integer.format(sessions.createdPerSecond)} sessions/s)`,
  );
  for (const [index, round] of sessions.rounds.entries()) {
    lines.push(
      `     round ${index + 1}: activate ${integer.format(round.activations)} in ${ms(round.activateMs)} ` +
        `(${integer.format(round.activationsPerSecond)}/s, ${integer.format(round.activationWrites)} writes); ` +
        `passivate ${integer.format(round.passivations)} in ${ms(round.passivateMs)} (${integer.format(round.passivationsPerSecond)}/s)`,
    );
  }
  lines.push(
    `     median: ${integer.format(sessions.activationsPerSecond)} activations/s, ` +
      `${integer.format(sessions.passivationsPerSecond)} passivations/s`,
  );
  lines.push('');

  lines.push('Heap per live session actor (idle, after full GC)');
  if (sessions.heap === null) {
    lines.push('     not measured: run with node --expose-gc');
  } else {
    const heap = sessions.heap;
    lines.push(
      `     ${integer.format(heap.liveSessions)} live sessions: heapUsed ${bytes(heap.heapBeforeBytes)} -> ${bytes(heap.heapAfterBytes)} ` +
        `= ${bytes(heap.bytesPerSession)} per session`,
    );
  }
  lines.push('');
  return `${lines.join('\n')}\n`;
}
