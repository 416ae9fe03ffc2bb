/**
 * The session benchmark's fixture: a `SessionDirectory` with the real session
 * machine (echo agent, effects on the SQLite store in a temporary folder) and
 * a settable clock, plus a way to create persisted sessions through real turns.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SessionDirectory } from '../src/actors/session-directory.ts';
import type { InboundMessage } from '../src/adapters/contract.ts';
import { createEchoAgent } from '../src/agent/echo-agent.ts';
import { silentLogger } from '../src/log/runtime-logger.ts';
import type { KyselyStore } from '../src/persistence/kysely-store.ts';
import { createSqliteStore } from '../src/persistence/sqlite-store.ts';
import { sessionKeyOf } from '../src/runtime/session-key.ts';
import { createSessionLogic } from '../src/runtime/session-logic.ts';
import { BenchError } from './bench-error.ts';

/** Passivation time of the fixture's directory (the clock is moved past it on purpose). */
export const FIXTURE_PASSIVATE_AFTER_MS = 600_000;

/** A directory on a fresh database with a clock the benchmark moves. */
export interface SessionFixture {
  directory: SessionDirectory;
  store: KyselyStore;
  /** The clock the directory reads (epoch ms). */
  now(): number;
  /** Moves the clock forward. */
  advance(ms: number): void;
  /** Stops the directory, closes the store and removes the temporary folder. */
  close(): Promise<void>;
}

/**
 * Opens the fixture: migrated store, directory started (passivation sweep
 * included, but it never fires on its own because the clock stands still).
 *
 * @example
 * const fixture = await openSessionFixture();
 * const keys = await createSessions(fixture, 2000);
 * fixture.advance(FIXTURE_PASSIVATE_AFTER_MS);
 * fixture.directory.passivateIdle();
 * await fixture.close();
 */
export async function openSessionFixture(): Promise<SessionFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-bench-sessions-'));
  const store = createSqliteStore({ path: join(dir, 'state.db') });
  let clock = Date.now();
  const now = () => clock;
  const logic = createSessionLogic({
    run: { agent: createEchoAgent(), store, log: silentLogger },
    effects: { store, adapters: new Map(), log: silentLogger },
  });
  const directory = new SessionDirectory({
    store,
    logic,
    log: silentLogger,
    now,
    passivateAfterMs: FIXTURE_PASSIVATE_AFTER_MS,
  });
  const close = async () => {
    try {
      await directory.stop();
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    await store.migrate();
    await directory.start();
  } catch (error) {
    await close();
    throw error;
  }
  return {
    directory,
    store,
    now,
    advance: (ms) => {
      clock += ms;
    },
    close,
  };
}

/** How long creating the sessions may take before the benchmark gives up. */
const CREATE_TIMEOUT_MS = 60_000;

/**
 * Creates `count` persisted sessions the way the gateway does: each gets one
 * message accepted into the inbox and delivered through the directory, and the
 * echo agent answers it. Resolves with the session keys once every session is
 * idle again and its row is committed.
 *
 * @throws BenchError `BENCH_ERR_SETUP` when the sessions do not all settle or their rows are missing.
 */
export async function createSessions(fixture: SessionFixture, count: number): Promise<string[]> {
  const { store, directory } = fixture;
  const messages: InboundMessage[] = Array.from({ length: count }, (_, i) => ({
    platform: 'bench',
    chatType: 'dm',
    chatId: `chat-${i}`,
    userId: `user-${i}`,
    text: `hello ${i}`,
    platformMessageId: `message-${i}`,
  }));
  const keys = messages.map((m) => sessionKeyOf(m));
  const accepted = await Promise.all(messages.map((m, i) => store.inbox.accept(m, keys[i]!)));
  await Promise.all(
    accepted.map(({ id }, i) =>
      directory.deliver({
        id,
        platform: 'bench',
        platformMessageId: messages[i]!.platformMessageId,
        sessionKey: keys[i]!,
        message: messages[i]!,
        status: 'accepted',
        receivedAt: fixture.now(),
      }),
    ),
  );
  const deadline = Date.now() + CREATE_TIMEOUT_MS;
  const settled = () =>
    directory.activeCount === count &&
    directory
      .activeViews()
      .every((v) => v.state === 'idle' && v.context.queue.length === 0 && v.context.runCount === 1);
  while (!settled()) {
    if (Date.now() > deadline) {
      throw new BenchError('BENCH_ERR_SETUP', `The ${count} benchmark sessions did not settle in time`, {
        active: directory.activeCount,
      });
    }
    await sleep(5);
  }
  await store.flush();
  const rows = await store.actors.list('session', ['idle']);
  if (rows.length !== count) {
    throw new BenchError('BENCH_ERR_SETUP', `Expected ${count} idle session rows, found ${rows.length}`);
  }
  return keys;
}
