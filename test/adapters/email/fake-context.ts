/**
 * Plays the gateway for the email adapter's own tests: an `AdapterContext`
 * that records every ingested message, log line and reported error, with
 * helpers that wait for them.
 */
import { vi } from 'vitest';
import type { AdapterContext, InboundMessage } from '../../../src/adapters/contract.ts';
import type { AdapterError } from '../../../src/errors.ts';

/** One log call. */
export interface LogLine {
  level: 'info' | 'warn' | 'error' | 'debug';
  obj: Record<string, unknown>;
  msg: string | undefined;
}

/** The recording context. */
export interface FakeContext {
  ctx: AdapterContext;
  ingested: InboundMessage[];
  logs: LogLine[];
  errors: AdapterError[];
  healthy: number;
  /** Makes `ingest` reject (the inbox is down) until set back to false. */
  failIngest: boolean;
  abort(): void;
}

/** Creates a recording context. */
export function fakeContext(): FakeContext {
  const controller = new AbortController();
  const fake: FakeContext = {
    ingested: [],
    logs: [],
    errors: [],
    healthy: 0,
    failIngest: false,
    abort: () => controller.abort(),
    ctx: undefined as unknown as AdapterContext,
  };
  const log =
    (level: LogLine['level']) =>
    (obj: object, msg?: string): void => {
      fake.logs.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  let inboxId = 0;
  fake.ctx = {
    async ingest(message) {
      if (fake.failIngest) throw new Error('inbox unavailable');
      fake.ingested.push(message);
      return { inboxId: ++inboxId, duplicate: false, sessionKey: `email:dm:${message.chatId}` };
    },
    log: { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') },
    signal: controller.signal,
    reportError: (error) => fake.errors.push(error as AdapterError),
    reportHealthy: () => {
      fake.healthy++;
    },
  };
  return fake;
}

/** Retries `check` until it stops throwing (default 15 s). */
export function eventually<T>(check: () => T | Promise<T>, timeout = 15_000): Promise<T> {
  return vi.waitFor(check, { timeout, interval: 25 });
}
