/** Shared set-up of the access tests: a hand-moved clock, a log that keeps its lines, pairing on a store. */

import type { AccessLogger } from '../../src/access/access-logger.ts';
import { Pairing } from '../../src/access/pairing.ts';
import type { RandomInt } from '../../src/access/pairing-code.ts';
import type { InboundMessage } from '../../src/adapters/contract.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import type { Store } from '../../src/persistence/store.ts';

/** scrypt cost the tests use for speed (the stored hash records it, so verification follows). */
export const TEST_HASH_COST = 1024;

/** A clock moved by hand. */
export interface TestClock {
  now: () => number;
  advance(ms: number): void;
}

/** A clock starting at a fixed time. */
export function testClock(start = Date.UTC(2026, 0, 1, 12)): TestClock {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
  };
}

/** A logger that keeps every line as text (the object as JSON, then the message). */
export interface CapturedLog extends AccessLogger {
  readonly lines: string[];
  /** Everything logged, as one text. */
  text(): string;
}

/** A logger that keeps its lines. */
export function capturedLog(): CapturedLog {
  const lines: string[] = [];
  const add = (level: string) => (obj: object, msg?: string) => {
    lines.push(`${level} ${JSON.stringify(obj)} ${msg ?? ''}`);
  };
  return { lines, info: add('info'), warn: add('warn'), text: () => lines.join('\n') };
}

/** A random source that draws the given indices in turn (then repeats). */
export function sequenceRandom(indices: readonly number[]): RandomInt {
  let i = 0;
  return (max) => {
    const value = (indices[i % indices.length] ?? 0) % max;
    i += 1;
    return value;
  };
}

/** Pairing on a fresh in-memory store with a test clock and captured log. */
export function memoryPairing(opts: { randomInt?: RandomInt } = {}): {
  pairing: Pairing;
  store: Store;
  clock: TestClock;
  log: CapturedLog;
} {
  const clock = testClock();
  const store = createMemoryStore({ now: clock.now });
  const log = capturedLog();
  const pairing = new Pairing({
    store: store.pairing,
    now: clock.now,
    log,
    hashCost: TEST_HASH_COST,
    ...(opts.randomInt ? { randomInt: opts.randomInt } : {}),
  });
  return { pairing, store, clock, log };
}

let messageCounter = 0;

/** An inbound message from `userId` (a Telegram DM unless overridden). */
export function messageFrom(userId: string, overrides: Partial<InboundMessage> = {}): InboundMessage {
  messageCounter += 1;
  return {
    platform: 'telegram',
    chatType: 'dm',
    chatId: `dm-${userId}`,
    userId,
    userName: `User ${userId}`,
    text: 'hello',
    platformMessageId: `m${messageCounter}`,
    ...overrides,
  };
}

/** The code in a "Pairing code: XXXXXXXX" reply. */
export function codeIn(reply: string): string {
  const match = /^Pairing code: ([A-Z0-9]{8})$/m.exec(reply);
  if (!match?.[1]) throw new Error(`no pairing code in: ${reply}`);
  return match[1];
}
