/**
 * The HTTP load generator: a fixed number of requests in flight over
 * keep-alive connections (`node:http` with an agent of `concurrency` sockets),
 * each a non-streaming `POST /v1/chat/completions` whose answer must echo the
 * text it sent. Latency is taken from the request's start to the last byte of
 * its answer.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { summarizeLatencies } from './latency-stats.ts';
import { CHAT_COMPLETIONS_PATH, type LoadResult, type LoadSpec, type PhaseCounts } from './load-spec.ts';

interface Outcome {
  ok: boolean;
  mismatched: boolean;
  latencyMs: number;
  error?: string;
}

/** Sends one completion request and checks that the answer echoes `text`. */
function chatRequest(
  agent: http.Agent,
  spec: LoadSpec,
  url: URL,
  text: string,
  sessionId: string | undefined,
): Promise<Outcome> {
  const body = JSON.stringify({ model: 'hermes-agent', messages: [{ role: 'user', content: text }] });
  const headers: http.OutgoingHttpHeaders = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  };
  if (spec.bearer !== undefined) headers.authorization = `Bearer ${spec.bearer}`;
  if (sessionId !== undefined) headers['x-hermes-session-id'] = sessionId;
  const started = performance.now();
  return new Promise((resolve) => {
    const fail = (error: string) =>
      resolve({ ok: false, mismatched: false, latencyMs: performance.now() - started, error });
    const request = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: CHAT_COMPLETIONS_PATH,
        headers,
        timeout: spec.requestTimeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => fail(error.message));
        response.on('end', () => {
          const latencyMs = performance.now() - started;
          const raw = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200) {
            resolve({
              ok: false,
              mismatched: false,
              latencyMs,
              error: `HTTP ${response.statusCode}: ${raw.slice(0, 200)}`,
            });
            return;
          }
          let content: unknown;
          try {
            content = (JSON.parse(raw) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]
              ?.message?.content;
          } catch {
            content = undefined;
          }
          resolve({ ok: true, mismatched: content !== text, latencyMs });
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${spec.requestTimeoutMs} ms`)));
    request.on('error', (error) => fail(error.message));
    request.end(body);
  });
}

/**
 * Runs the warm-up and the measured phase of `spec` against its target;
 * `betweenPhases` runs after the warm-up, before the first measured request.
 *
 * @example
 * const result = await generateLoad({ label: 'bare', baseUrl, concurrency: 32, sessions: { mode: 'fresh' },
 *   warmupRequests: 500, measureRequests: 10_000, maxMeasureMs: 5_000, requestTimeoutMs: 30_000 });
 */
export async function generateLoad(
  spec: LoadSpec,
  betweenPhases: () => Promise<void> = async () => {},
): Promise<LoadResult> {
  const url = new URL(spec.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  let sequence = 0;
  let firstError: string | undefined;

  const sessionFor = (n: number): string | undefined =>
    spec.sessions.mode === 'per-client' ? `${spec.sessions.prefix}-${n % spec.sessions.count}` : undefined;

  const phase = async (
    count: number,
    maxMs: number,
    latencies: number[] | undefined,
  ): Promise<PhaseCounts> => {
    const counts: PhaseCounts = { completed: 0, errors: 0, mismatched: 0, elapsedMs: 0 };
    let issued = 0;
    const started = performance.now();
    const deadline = started + maxMs;
    const worker = async () => {
      while (issued < count && performance.now() < deadline) {
        issued++;
        const n = sequence++;
        const outcome = await chatRequest(agent, spec, url, `bench message ${n}`, sessionFor(n));
        if (!outcome.ok) {
          counts.errors++;
          firstError ??= outcome.error;
        } else if (outcome.mismatched) {
          counts.mismatched++;
        } else {
          counts.completed++;
          latencies?.push(outcome.latencyMs);
        }
      }
    };
    await Promise.all(Array.from({ length: spec.concurrency }, worker));
    counts.elapsedMs = performance.now() - started;
    return counts;
  };

  try {
    const warmup = await phase(spec.warmupRequests, spec.maxMeasureMs, undefined);
    await betweenPhases();
    const latencies: number[] = [];
    const measured = await phase(spec.measureRequests, spec.maxMeasureMs, latencies);
    return {
      label: spec.label,
      concurrency: spec.concurrency,
      sessions: spec.sessions,
      warmup,
      measured: {
        ...measured,
        requestsPerSecond: measured.elapsedMs > 0 ? (measured.completed * 1000) / measured.elapsedMs : 0,
        latency: summarizeLatencies(latencies),
      },
      ...(firstError !== undefined ? { firstError } : {}),
    };
  } finally {
    agent.destroy();
  }
}
