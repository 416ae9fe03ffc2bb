/**
 * Plays the gateway for the Slack adapter's own tests: an `AdapterContext`
 * whose `ingest` records each message (deduplicating on the platform message
 * id as the inbox does) and can be held back or made to fail, with the
 * adapter's log lines and reported errors kept for assertions.
 */
import { vi } from 'vitest';
import type { AdapterContext, InboundMessage, IngestResult } from '../../../src/adapters/contract.ts';

/** One log call of the adapter. */
export interface LogLine {
  level: 'info' | 'warn' | 'error' | 'debug';
  obj: object;
  msg: string | undefined;
}

/** The fake gateway around one adapter. */
export interface TestContext {
  ctx: AdapterContext;
  /** Every call of `ingest`, in order. */
  calls: InboundMessage[];
  /** Messages accepted for the first time. */
  accepted: InboundMessage[];
  logs: LogLine[];
  reported: unknown[];
  healthyReports: number;
  /** Makes the next ingests wait until `release()`. */
  hold(): void;
  release(): void;
  /** Makes the next `count` ingests reject (as a failed inbox write does). */
  failNext(count?: number): void;
  abort(): void;
}

/** Creates a context. */
export function createTestContext(): TestContext {
  const abort = new AbortController();
  const seen = new Set<string>();
  let gate: Promise<void> | undefined;
  let open = () => {};
  let failures = 0;
  const logger = (level: LogLine['level']) => (obj: object, msg?: string) => {
    t.logs.push({ level, obj, msg });
  };
  const t: TestContext = {
    calls: [],
    accepted: [],
    logs: [],
    reported: [],
    healthyReports: 0,
    ctx: {
      async ingest(message: InboundMessage): Promise<IngestResult> {
        t.calls.push(message);
        if (gate) await gate;
        if (failures > 0) {
          failures -= 1;
          throw new Error('inbox write failed');
        }
        const duplicate = seen.has(message.platformMessageId);
        if (!duplicate) {
          seen.add(message.platformMessageId);
          t.accepted.push(message);
        }
        return {
          inboxId: t.calls.length,
          duplicate,
          sessionKey: `slack:${message.chatType}:${message.chatId}`,
        };
      },
      log: { info: logger('info'), warn: logger('warn'), error: logger('error'), debug: logger('debug') },
      signal: abort.signal,
      reportError: (error: unknown) => {
        t.reported.push(error);
      },
      reportHealthy: () => {
        t.healthyReports += 1;
      },
    },
    hold() {
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
    },
    release() {
      gate = undefined;
      open();
    },
    failNext(count = 1) {
      failures += count;
    },
    abort: () => abort.abort(),
  };
  return t;
}

/** Retries `check` until it stops throwing (default 10 s). */
export function eventually<T>(check: () => T | Promise<T>, timeout = 10_000): Promise<T> {
  return vi.waitFor(check, { timeout, interval: 20 });
}
