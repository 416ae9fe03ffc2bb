/**
 * Session activations and passivations per second from the store, and the
 * heap held by each live session actor.
 *
 * Sessions are first created through real turns (echo agent) so their rows
 * exist. Each round then activates every session from its row (the directory
 * loads the row and restores the actor when it receives an event; the event
 * used, `AUTO_RESUME.EXPIRED`, changes nothing in an idle session) and
 * passivates them all (`passivateIdle()` after moving the directory's clock
 * past the passivation time). The first round also measures the heap: live
 * heap after a full GC with every session passivated, then with every session
 * active.
 */
import { performance } from 'node:perf_hooks';
import { BenchError } from './bench-error.ts';
import {
  createSessions,
  FIXTURE_PASSIVATE_AFTER_MS,
  openSessionFixture,
  type SessionFixture,
} from './session-fixture.ts';

/** Sizes of the session benchmark. */
export interface SessionBenchSettings {
  /** Persisted sessions created, then activated and passivated in each round. */
  sessions: number;
  /** Activation/passivation rounds (the median is reported). */
  rounds: number;
}

/** One activation and passivation round. */
export interface SessionRound {
  activations: number;
  activateMs: number;
  activationsPerSecond: number;
  /** Writes committed while activating (restoring a session should not need any). */
  activationWrites: number;
  passivations: number;
  passivateMs: number;
  passivationsPerSecond: number;
}

/** Heap held by live, idle session actors. */
export interface SessionHeap {
  liveSessions: number;
  /** `heapUsed` after a full GC with every session passivated. */
  heapBeforeBytes: number;
  /** `heapUsed` after a full GC with every session active. */
  heapAfterBytes: number;
  bytesPerSession: number;
}

/** What the session benchmark measured. */
export interface SessionBenchResult {
  sessions: number;
  /** Creating the sessions through one real turn each (accept, deliver, echo run, commit). */
  createMs: number;
  createdPerSecond: number;
  rounds: SessionRound[];
  /** Median over the rounds. */
  activationsPerSecond: number;
  /** Median over the rounds. */
  passivationsPerSecond: number;
  /** Missing when the process runs without `--expose-gc`. */
  heap: SessionHeap | null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Live heap after full collections (several, so finalizers and weak structures settle). */
function liveHeapBytes(gc: () => void): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

/** Passivates every live session by moving the clock past the passivation time. */
function passivateAll(fixture: SessionFixture, expected: number): { count: number; ms: number } {
  fixture.advance(FIXTURE_PASSIVATE_AFTER_MS + 1);
  const started = performance.now();
  const count = fixture.directory.passivateIdle();
  const ms = performance.now() - started;
  if (count !== expected || fixture.directory.activeCount !== 0) {
    throw new BenchError('BENCH_ERR_SETUP', `Passivated ${count} sessions, expected ${expected}`, {
      stillActive: fixture.directory.activeCount,
    });
  }
  return { count, ms };
}

/** Activates every session from its row; resolves after any write it caused committed. */
async function activateAll(fixture: SessionFixture, keys: string[]): Promise<{ ms: number; writes: number }> {
  const { directory, store } = fixture;
  const writesBefore = store.batcher.stats.opsCommitted;
  const started = performance.now();
  await Promise.all(keys.map((key) => directory.send(key, { type: 'AUTO_RESUME.EXPIRED' })));
  await store.flush();
  const ms = performance.now() - started;
  if (directory.activeCount !== keys.length) {
    throw new BenchError(
      'BENCH_ERR_SETUP',
      `Activated ${directory.activeCount} sessions, expected ${keys.length}`,
    );
  }
  return { ms, writes: store.batcher.stats.opsCommitted - writesBefore };
}

/**
 * Runs the session benchmark on a fresh database.
 *
 * @example
 * const result = await runSessionBench({ sessions: 5000, rounds: 3 });
 * console.log(result.activationsPerSecond, result.heap?.bytesPerSession);
 */
export async function runSessionBench(settings: SessionBenchSettings): Promise<SessionBenchResult> {
  const fixture = await openSessionFixture();
  try {
    const createStarted = performance.now();
    const keys = await createSessions(fixture, settings.sessions);
    const createMs = performance.now() - createStarted;
    passivateAll(fixture, keys.length);

    const gc = globalThis.gc;
    let heap: SessionHeap | null = null;
    const rounds: SessionRound[] = [];
    for (let round = 0; round < settings.rounds; round++) {
      const measureHeap = round === 0 && gc !== undefined;
      const heapBefore = measureHeap ? liveHeapBytes(gc) : 0;
      const activation = await activateAll(fixture, keys);
      if (measureHeap) {
        const heapAfter = liveHeapBytes(gc);
        heap = {
          liveSessions: keys.length,
          heapBeforeBytes: heapBefore,
          heapAfterBytes: heapAfter,
          bytesPerSession: (heapAfter - heapBefore) / keys.length,
        };
      }
      const passivation = passivateAll(fixture, keys.length);
      rounds.push({
        activations: keys.length,
        activateMs: activation.ms,
        activationsPerSecond: (keys.length * 1000) / activation.ms,
        activationWrites: activation.writes,
        passivations: passivation.count,
        passivateMs: passivation.ms,
        passivationsPerSecond: (passivation.count * 1000) / passivation.ms,
      });
    }
    return {
      sessions: keys.length,
      createMs,
      createdPerSecond: (keys.length * 1000) / createMs,
      rounds,
      activationsPerSecond: median(rounds.map((r) => r.activationsPerSecond)),
      passivationsPerSecond: median(rounds.map((r) => r.passivationsPerSecond)),
      heap,
    };
  } finally {
    await fixture.close();
  }
}
