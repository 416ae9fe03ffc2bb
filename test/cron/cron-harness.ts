/** A cron actor on an in-memory store with a hand-moved clock, a scripted agent and recorded deliveries and logs. */
import { vi } from 'vitest';
import { assign, createActor, setup } from 'xstate';
import type { CronRunnerDeps } from '../../src/cron/cron-runner.ts';
import { createCronSchedulerLogic } from '../../src/cron/cron-scheduler.ts';
import type { RuntimeLogger } from '../../src/log/runtime-logger.ts';
import type { ChildInput, GatewayEvent } from '../../src/machines/gateway.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import type { CronJobRow, Store } from '../../src/persistence/store.ts';

/** Milliseconds between ticks in these tests. */
export const TICK_MS = 60_000;

/** One log call. */
export interface LogLine {
  level: 'info' | 'warn' | 'error' | 'debug';
  msg: string;
  obj: object;
}

/** A logger that keeps every line. */
export function recordingLogger(lines: LogLine[]): RuntimeLogger {
  const at =
    (level: LogLine['level']) =>
    (obj: object, msg = ''): void => {
      lines.push({ level, msg, obj });
    };
  const logger: RuntimeLogger = {
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    debug: at('debug'),
    child: () => logger,
  };
  return logger;
}

/** A job run the test settles by hand. */
export interface PendingRun {
  job: CronJobRow;
  resolve: (text: string) => void;
  reject: (error: Error) => void;
}

/** Options of `cronHarness()`. */
export interface HarnessOptions {
  start: number;
  store?: Store;
  /** What a run answers; default `answer to <prompt>`. Return `'hold'` to settle it by hand through `pending`. */
  answer?: (job: CronJobRow) => string | Error | 'hold';
  /** When set, every delivery fails with it (after being recorded). */
  deliverError?: Error;
}

/**
 * Builds the cron logic with fake deps. `vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })`
 * must be on, so `tick()` can fire the interval.
 */
export function cronHarness(opts: HarnessOptions) {
  let t = opts.start;
  const store = opts.store ?? createMemoryStore({ now: () => t });
  const runs: CronJobRow[] = [];
  const pending: PendingRun[] = [];
  const deliveries: { jobId: string; text: string; ok: boolean }[] = [];
  const logs: LogLine[] = [];
  const deps: CronRunnerDeps = {
    store,
    now: () => t,
    tickMs: TICK_MS,
    log: recordingLogger(logs),
    runJob: async (job) => {
      runs.push(job);
      const answer = opts.answer?.(job) ?? `answer to ${job.prompt}`;
      if (answer instanceof Error) throw answer;
      if (answer !== 'hold') return { text: answer };
      return new Promise<{ text: string }>((resolve, reject) => {
        pending.push({ job, resolve: (text) => resolve({ text }), reject });
      });
    },
    deliver: async (job, text, ok) => {
      deliveries.push({ jobId: job.id, text, ok });
      if (opts.deliverError) throw opts.deliverError;
    },
  };
  const cron = createCronSchedulerLogic(deps);

  const events: GatewayEvent[] = [];
  const parent = setup({
    types: { context: {} as { seen: number }, events: {} as GatewayEvent },
    actors: { cron },
  }).createMachine({
    context: { seen: 0 },
    invoke: { src: 'cron', id: 'cron', input: { id: 'cron', attempt: 0 } satisfies ChildInput },
    on: {
      '*': {
        actions: assign({
          seen: ({ context, event }) => {
            events.push(event);
            return context.seen + 1;
          },
        }),
      },
    },
  });

  return {
    store,
    deps,
    cron,
    runs,
    pending,
    deliveries,
    logs,
    events,
    now: () => t,
    setNow(ms: number) {
      t = ms;
    },
    /** Starts the cron actor (its first tick handles missed runs) and waits for that tick and its runs. */
    async start() {
      const actor = createActor(parent);
      actor.start();
      await cron.settle();
      return actor;
    },
    /** Moves the clock to `ms`, fires one interval tick and waits for it and its runs. */
    async tickAt(ms: number) {
      t = ms;
      vi.advanceTimersByTime(TICK_MS);
      await cron.settle();
    },
  };
}
