/**
 * One conformance suite for every `Store` implementation: each implementation's
 * test file calls `runStoreConformance()` with a factory, and the same
 * behaviour is asserted against all of them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundMessage, OutboundMessage } from '../../src/adapters/contract.ts';
import { GatewayError } from '../../src/errors.ts';
import type {
  CronJobRow,
  OutboxRow,
  OutboxStatus,
  PairingRequestRow,
  Store,
} from '../../src/persistence/store.ts';
import { describeLeaseConformance } from './lease-conformance.ts';

/** A clock the suite moves by hand. */
export interface ManualClock {
  now: () => number;
  set(ms: number): void;
}

/** Creates a clock starting at `start` epoch milliseconds. */
export function manualClock(start = 1_700_000_000_000): ManualClock {
  let t = start;
  return {
    now: () => t,
    set(ms) {
      t = ms;
    },
  };
}

/** A Telegram DM message with the given platform id. */
export function inbound(platformMessageId: string, overrides: Partial<InboundMessage> = {}): InboundMessage {
  return {
    platform: 'telegram',
    chatType: 'dm',
    chatId: '42',
    userId: '42',
    userName: 'Ada',
    text: `hello ${platformMessageId}`,
    platformMessageId,
    ...overrides,
  };
}

/** A reply with the given idempotency key. */
export function outbound(idempotencyKey: string, overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    chatId: '42',
    chatType: 'dm',
    text: `answer ${idempotencyKey}`,
    inReplyTo: ['m1'],
    idempotencyKey,
    sessionKey: 'telegram:dm:42',
    ...overrides,
  };
}

/** A pending pairing request of `userId` on `platform`, created at `createdAt`, valid for an hour. */
export function pairingRequest(
  platform: string,
  userId: string,
  createdAt: number,
  overrides: Partial<PairingRequestRow> = {},
): PairingRequestRow {
  return {
    platform,
    userId,
    userName: `name of ${userId}`,
    chatId: `dm-${userId}`,
    codeHash: `scrypt$1024$8$1$hash-of-${userId}`,
    salt: `salt-${userId}`,
    createdAt,
    expiresAt: createdAt + 3_600_000,
    ...overrides,
  };
}

/** An active cron job `id` due at `nextRunAt`, delivering to a Telegram DM. */
export function cronJob(
  id: string,
  nextRunAt: number | null,
  overrides: Partial<CronJobRow> = {},
): CronJobRow {
  return {
    id,
    name: `job ${id}`,
    schedule: 'every 1h',
    prompt: `prompt of ${id}`,
    deliverTo: { kind: 'origin', platform: 'telegram', chatType: 'dm', chatId: '42' },
    missedPolicy: 'skip',
    status: 'active',
    nextRunAt,
    lastRunAt: null,
    lastStatus: null,
    lastError: null,
    createdAt: 1_700_000_000_000,
    createdBy: 'telegram:dm:42',
    runCount: 0,
    ...overrides,
  };
}

/** Every outbox status. */
export const OUTBOX_STATUSES: OutboxStatus[] = ['pending', 'sending', 'sent', 'unknown_after_send', 'failed'];

/** The outbox row `id`, looked up through the store's own listing (the runtime never reads a row by id). */
export async function outboxRow(store: Store, id: number): Promise<OutboxRow | undefined> {
  return (await store.outbox.listByStatus(OUTBOX_STATUSES)).find((row) => row.id === id);
}

/** Expects a promise to reject with a `GatewayError` of `code`; returns the error. */
export async function expectCoded(promise: Promise<unknown>, code: string): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  expect((error as GatewayError).code).toBe(code);
  return error as GatewayError;
}

/** Optional abilities of an implementation under test. */
export interface StoreConformanceOptions {
  /**
   * Opens another store on the database the last `makeStore` call created, as a
   * second gateway process would (a second SQLite connection to the file, a
   * second PostgreSQL pool). Stores without a shared database leave it out.
   */
  connectAgain?: (clock: ManualClock) => Promise<Store>;
}

/**
 * Runs the store conformance suite: every implementation of `Store` runs the
 * same tests (SQLite on a file, the in-memory store, and any other dialect).
 *
 * @param name - implementation name shown in the test report
 * @param makeStore - creates a fresh, empty store using `clock.now`; the suite migrates and closes it
 * @param options - what else the implementation can do
 *
 * @example
 * runStoreConformance('postgres', async (clock) => createPostgresStore({ url, now: clock.now }), {
 *   connectAgain: async (clock) => createPostgresStore({ url, now: clock.now }),
 * });
 */
export function runStoreConformance(
  name: string,
  makeStore: (clock: ManualClock) => Promise<Store>,
  options: StoreConformanceOptions = {},
): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;
    let clock: ManualClock;
    const others: Store[] = [];

    beforeEach(async () => {
      clock = manualClock();
      store = await makeStore(clock);
      await store.migrate();
    });

    afterEach(async () => {
      for (const other of others.splice(0)) await other.close();
      await store.close();
    });

    describe('schema', () => {
      it('migrates again without error and keeps the data', async () => {
        await store.meta.set('k', 'v');
        await store.migrate();
        expect(await store.meta.get('k')).toBe('v');
      });
    });

    describe('inbox', () => {
      it('accepts a message as a new accepted row with its message, session and time', async () => {
        const message = inbound('m1', { attachments: [{ kind: 'image', url: 'https://x/y.png' }] });
        const result = await store.inbox.accept(message, 'telegram:dm:42');
        expect(result.duplicate).toBe(false);
        const row = await store.inbox.get(result.id);
        expect(row).toEqual({
          id: result.id,
          platform: 'telegram',
          platformMessageId: 'm1',
          sessionKey: 'telegram:dm:42',
          message,
          status: 'accepted',
          receivedAt: clock.now(),
        });
      });

      it('deduplicates the same platform message: one row, same id, duplicate=true, first copy kept', async () => {
        const first = await store.inbox.accept(inbound('m1', { text: 'first' }), 's1');
        const again = await store.inbox.accept(inbound('m1', { text: 'redelivered' }), 's2');
        expect(again).toEqual({ id: first.id, duplicate: true });
        const rows = await store.inbox.listByStatus('accepted');
        expect(rows).toHaveLength(1);
        expect(rows[0]?.message.text).toBe('first');
        expect(rows[0]?.sessionKey).toBe('s1');
      });

      it('deduplicates repeats accepted in the same tick', async () => {
        const results = await Promise.all([
          store.inbox.accept(inbound('m1'), 's'),
          store.inbox.accept(inbound('m1'), 's'),
          store.inbox.accept(inbound('m1'), 's'),
        ]);
        expect(results.map((r) => r.duplicate)).toEqual([false, true, true]);
        expect(new Set(results.map((r) => r.id)).size).toBe(1);
        expect(await store.inbox.listByStatus('accepted')).toHaveLength(1);
      });

      it('treats the same message id on another platform as a new message', async () => {
        const telegram = await store.inbox.accept(inbound('m1'), 's');
        const discord = await store.inbox.accept(inbound('m1', { platform: 'discord' }), 's');
        expect(discord.duplicate).toBe(false);
        expect(discord.id).not.toBe(telegram.id);
        expect((await store.inbox.get(discord.id))?.platform).toBe('discord');
      });

      it('moves rows through accepted → delivered → done and lists them by status in arrival order', async () => {
        const a = await store.inbox.accept(inbound('a'), 's');
        const b = await store.inbox.accept(inbound('b'), 's');
        const c = await store.inbox.accept(inbound('c'), 's');
        await store.inbox.setStatus([a.id, c.id], 'delivered');
        expect((await store.inbox.listByStatus('delivered')).map((r) => r.id)).toEqual([a.id, c.id]);
        expect((await store.inbox.listByStatus('accepted')).map((r) => r.id)).toEqual([b.id]);
        await store.inbox.setStatus([a.id], 'done');
        await store.inbox.setStatus([], 'done');
        expect((await store.inbox.get(a.id))?.status).toBe('done');
        expect((await store.inbox.listByStatus('done')).map((r) => r.platformMessageId)).toEqual(['a']);
      });

      it('answers undefined for an unknown id', async () => {
        expect(await store.inbox.get(12345)).toBeUndefined();
      });
    });

    describe('outbox', () => {
      it('enqueues a pending reply with no attempts', async () => {
        const message = outbound('r1');
        const id = await store.outbox.enqueue('telegram', message);
        expect(await outboxRow(store, id)).toEqual({
          id,
          idempotencyKey: 'r1',
          platform: 'telegram',
          sessionKey: 'telegram:dm:42',
          message,
          status: 'pending',
          attempts: 0,
          platformMessageId: null,
          lastError: null,
          createdAt: clock.now(),
          updatedAt: clock.now(),
        });
      });

      it('keeps the first row for a repeated idempotency key and returns its id', async () => {
        const first = await store.outbox.enqueue('telegram', outbound('r1', { text: 'first' }));
        await store.outbox.markSending(first);
        const again = await store.outbox.enqueue('telegram', outbound('r1', { text: 'second' }));
        const [same] = await Promise.all([
          store.outbox.enqueue('telegram', outbound('r1')),
          store.outbox.enqueue('telegram', outbound('r2')),
        ]);
        expect(again).toBe(first);
        expect(same).toBe(first);
        const row = await outboxRow(store, first);
        expect(row?.message.text).toBe('first');
        expect(row?.status).toBe('sending');
        expect(await store.outbox.listByStatus(['pending', 'sending'])).toHaveLength(2);
      });

      it('counts attempts on markSending and records errors on retry and failure', async () => {
        const id = await store.outbox.enqueue('telegram', outbound('r1'));
        clock.set(clock.now() + 1000);
        await store.outbox.markSending(id);
        let row = await outboxRow(store, id);
        expect(row).toMatchObject({ status: 'sending', attempts: 1, updatedAt: clock.now() });

        await store.outbox.markRetry(id, '429 Too Many Requests');
        row = await outboxRow(store, id);
        expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: '429 Too Many Requests' });

        await store.outbox.markSending(id);
        await store.outbox.markSent(id, 'tg-777');
        row = await outboxRow(store, id);
        expect(row).toMatchObject({ status: 'sent', attempts: 2, platformMessageId: 'tg-777' });

        const failed = await store.outbox.enqueue('telegram', outbound('r2'));
        await store.outbox.markSending(failed);
        await store.outbox.markFailed(failed, '403 bot was blocked');
        expect(await outboxRow(store, failed)).toMatchObject({
          status: 'failed',
          lastError: '403 bot was blocked',
        });
      });

      it('keeps a sent row without a platform id as sent with platformMessageId null', async () => {
        const id = await store.outbox.enqueue('sms', outbound('r1'));
        await store.outbox.markSending(id);
        await store.outbox.markSent(id);
        expect(await outboxRow(store, id)).toMatchObject({ status: 'sent', platformMessageId: null });
      });

      it('recoverInFlight turns every sending row into unknown_after_send and counts them', async () => {
        const a = await store.outbox.enqueue('telegram', outbound('a'));
        const b = await store.outbox.enqueue('discord', outbound('b'));
        const pending = await store.outbox.enqueue('telegram', outbound('c'));
        const sent = await store.outbox.enqueue('telegram', outbound('d'));
        await store.outbox.markSending(a);
        await store.outbox.markSending(b);
        await store.outbox.markSending(sent);
        await store.outbox.markSent(sent, 'x');

        expect(await store.outbox.recoverInFlight()).toBe(2);
        expect((await outboxRow(store, a))?.status).toBe('unknown_after_send');
        expect((await outboxRow(store, b))?.status).toBe('unknown_after_send');
        expect((await outboxRow(store, a))?.lastError).toMatch(/unknown/);
        expect((await outboxRow(store, pending))?.status).toBe('pending');
        expect((await outboxRow(store, sent))?.status).toBe('sent');
        expect(await store.outbox.recoverInFlight()).toBe(0);
      });

      it('lists by several statuses and by platform, oldest first', async () => {
        const t1 = await store.outbox.enqueue('telegram', outbound('t1'));
        const d1 = await store.outbox.enqueue('discord', outbound('d1'));
        const t2 = await store.outbox.enqueue('telegram', outbound('t2'));
        await store.outbox.markFailed(t2, 'nope');
        expect((await store.outbox.listByStatus(['pending', 'failed'])).map((r) => r.id)).toEqual([
          t1,
          d1,
          t2,
        ]);
        expect((await store.outbox.listByStatus(['pending'], 'telegram')).map((r) => r.id)).toEqual([t1]);
        expect(await store.outbox.listByStatus([])).toEqual([]);
      });
    });

    describe('transcript', () => {
      const entry = (conversationId: string, role: 'user' | 'assistant' | 'tool', content: string) => ({
        sessionKey: 'telegram:dm:42',
        conversationId,
        role,
        content,
        inputTokens: role === 'assistant' ? 100 : 0,
        outputTokens: role === 'assistant' ? 20 : 0,
        model: role === 'assistant' ? 'gpt-test' : null,
        inboxId: null,
      });

      it('lists a conversation in the order it was appended, even within one millisecond', async () => {
        const ids = [
          await store.transcript.append(entry('c1', 'user', 'one')),
          await store.transcript.append(entry('c1', 'assistant', 'two')),
          await store.transcript.append(entry('c2', 'user', 'other conversation')),
          await store.transcript.append(entry('c1', 'tool', 'three')),
          await store.transcript.append(entry('c1', 'assistant', 'four')),
        ];
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        const c1 = await store.transcript.list('c1');
        expect(c1.map((e) => e.content)).toEqual(['one', 'two', 'three', 'four']);
        expect(c1[1]).toEqual({ id: ids[1], ...entry('c1', 'assistant', 'two'), createdAt: clock.now() });
        expect((await store.transcript.list('c2')).map((e) => e.content)).toEqual(['other conversation']);
        expect(await store.transcript.list('nope')).toEqual([]);
      });

      it('moves entries to another conversation, keeping their order and usage', async () => {
        const kept = await store.transcript.append(entry('c1', 'user', 'kept'));
        const u = await store.transcript.append(entry('c1', 'user', 'undone question'));
        const a = await store.transcript.append(entry('c1', 'assistant', 'undone answer'));
        await store.transcript.moveEntries([u, a], 'c1~undone');
        expect((await store.transcript.list('c1')).map((e) => e.id)).toEqual([kept]);
        expect((await store.transcript.list('c1~undone')).map((e) => e.content)).toEqual([
          'undone question',
          'undone answer',
        ]);
        expect(await store.transcript.usage('c1~undone')).toEqual({
          inputTokens: 100,
          outputTokens: 20,
          turns: 1,
        });
        await store.transcript.moveEntries([], 'nowhere');
      });

      it('lists every conversation of a session together, oldest first', async () => {
        await store.transcript.append(entry('c1', 'user', 'before reset'));
        await store.transcript.append({ ...entry('x', 'user', 'other chat'), sessionKey: 'discord:dm:1' });
        await store.transcript.append(entry('c2', 'user', 'after reset'));
        const all = await store.transcript.listBySession('telegram:dm:42');
        expect(all.map((e) => [e.conversationId, e.content])).toEqual([
          ['c1', 'before reset'],
          ['c2', 'after reset'],
        ]);
      });

      it('keeps an explicit createdAt and the inbox id the entry answers', async () => {
        const inbox = await store.inbox.accept(inbound('m1'), 'telegram:dm:42');
        const id = await store.transcript.append({
          ...entry('c1', 'user', 'hi'),
          inboxId: inbox.id,
          createdAt: 5,
        });
        const [row] = await store.transcript.list('c1');
        expect(row).toMatchObject({ id, inboxId: inbox.id, createdAt: 5 });
      });

      it('sums token usage of a conversation and counts its answers as turns', async () => {
        await store.transcript.append(entry('c1', 'user', 'q1'));
        await store.transcript.append(entry('c1', 'assistant', 'a1'));
        await store.transcript.append(entry('c1', 'user', 'q2'));
        await store.transcript.append({ ...entry('c1', 'assistant', 'a2'), inputTokens: 7, outputTokens: 3 });
        await store.transcript.append(entry('c2', 'assistant', 'elsewhere'));
        expect(await store.transcript.usage('c1')).toEqual({ inputTokens: 107, outputTokens: 23, turns: 2 });
        expect(await store.transcript.usage('empty')).toEqual({ inputTokens: 0, outputTokens: 0, turns: 0 });
      });

      it('summarizes usage since a time: sessions, turns and tokens, by platform and by model', async () => {
        const at = (sessionKey: string, model: string | null, createdAt: number, tokens = 10) => ({
          sessionKey,
          conversationId: `${sessionKey}/1`,
          role: model === null ? ('user' as const) : ('assistant' as const),
          content: 'x',
          inputTokens: model === null ? 0 : tokens,
          outputTokens: model === null ? 0 : 1,
          model,
          inboxId: null,
          createdAt,
        });
        await store.transcript.append(at('telegram:dm:1', 'gpt-old', 999, 5000));
        await store.transcript.append(at('telegram:dm:1', null, 1000));
        await store.transcript.append(at('telegram:dm:1', 'gpt-a', 1000, 100));
        await store.transcript.append(at('telegram:dm:1', 'gpt-a', 1500, 100));
        await store.transcript.append(at('telegram:group:9:7', 'gpt-b', 2000, 40));
        await store.transcript.append(at('discord:dm:5', 'gpt-a', 3000, 300));
        await store.transcript.append(at('api:support', null, 3000));
        const summary = await store.transcript.summary(1000);
        expect(summary).toEqual({
          sessions: 4,
          turns: 4,
          inputTokens: 540,
          outputTokens: 4,
          byPlatform: [
            { platform: 'discord', sessions: 1, turns: 1, inputTokens: 300, outputTokens: 1 },
            { platform: 'telegram', sessions: 2, turns: 3, inputTokens: 240, outputTokens: 3 },
            { platform: 'api', sessions: 1, turns: 0, inputTokens: 0, outputTokens: 0 },
          ],
          byModel: [
            { model: 'gpt-a', sessions: 2, turns: 3, inputTokens: 500, outputTokens: 3 },
            { model: 'gpt-b', sessions: 1, turns: 1, inputTokens: 40, outputTokens: 1 },
          ],
        });
        expect(await store.transcript.summary(5000)).toEqual({
          sessions: 0,
          turns: 0,
          inputTokens: 0,
          outputTokens: 0,
          byPlatform: [],
          byModel: [],
        });
      });

      it('counts entries set aside by /undo in the summary (their tokens were spent)', async () => {
        const q = await store.transcript.append(entry('c1', 'user', 'q'));
        const a = await store.transcript.append(entry('c1', 'assistant', 'a'));
        await store.transcript.moveEntries([q, a], 'c1~undone');
        const summary = await store.transcript.summary(0);
        expect(summary).toMatchObject({ sessions: 1, turns: 1, inputTokens: 100, outputTokens: 20 });
        expect(summary.byModel).toEqual([
          { model: 'gpt-test', sessions: 1, turns: 1, inputTokens: 100, outputTokens: 20 },
        ]);
      });
    });

    describe('timers', () => {
      it('lists timers soonest first, replaces a timer set again under its key, and cancels', async () => {
        await store.timers.set({ key: 'idle:s1', actorId: 's1', event: { type: 'IDLE_RESET' }, dueAt: 300 });
        await store.timers.set({
          key: 'probe:tg',
          actorId: 'breaker:tg',
          event: { type: 'PROBE' },
          dueAt: 100,
        });
        await store.timers.set({
          key: 'cron:1',
          actorId: 'cron',
          event: { type: 'TICK', job: 'j1' },
          dueAt: 200,
        });
        expect((await store.timers.list()).map((t) => t.key)).toEqual(['probe:tg', 'cron:1', 'idle:s1']);

        await store.timers.set({
          key: 'idle:s1',
          actorId: 's1',
          event: { type: 'IDLE_RESET', n: 2 },
          dueAt: 50,
        });
        const timers = await store.timers.list();
        expect(timers).toHaveLength(3);
        expect(timers[0]).toEqual({
          key: 'idle:s1',
          actorId: 's1',
          event: { type: 'IDLE_RESET', n: 2 },
          dueAt: 50,
        });

        await store.timers.cancel('cron:1');
        await store.timers.cancel('never-set');
        expect((await store.timers.list()).map((t) => t.key)).toEqual(['idle:s1', 'probe:tg']);
      });
    });

    describe('actors', () => {
      const snapshot = {
        status: 'active',
        value: { running: 'streaming' },
        context: { queue: [{ text: 'next', inboxId: 3 }], model: null, flags: [true, false] },
      };

      it('saves and loads a snapshot with its kind, version, state and time', async () => {
        await store.actors.save({
          actorId: 'session:1',
          kind: 'session',
          machineVersion: 3,
          snapshot,
          state: 'running',
        });
        expect(await store.actors.load('session:1')).toEqual({
          actorId: 'session:1',
          kind: 'session',
          machineVersion: 3,
          snapshot,
          state: 'running',
          updatedAt: clock.now(),
        });
        expect(await store.actors.load('session:missing')).toBeUndefined();
      });

      it('replaces the row on a second save (one row per actor)', async () => {
        await store.actors.save({
          actorId: 'a',
          kind: 'session',
          machineVersion: 1,
          snapshot,
          state: 'running',
        });
        await store.actors.save({
          actorId: 'a',
          kind: 'session',
          machineVersion: 2,
          snapshot: { value: 'idle' },
          state: 'idle',
          updatedAt: 42,
        });
        expect(await store.actors.list('session')).toEqual([
          {
            actorId: 'a',
            kind: 'session',
            machineVersion: 2,
            snapshot: { value: 'idle' },
            state: 'idle',
            updatedAt: 42,
          },
        ]);
      });

      it('lists by kind (by actor id) and by top-level state', async () => {
        await store.actors.save({
          actorId: 's2',
          kind: 'session',
          machineVersion: 1,
          snapshot: {},
          state: 'idle',
        });
        await store.actors.save({
          actorId: 's1',
          kind: 'session',
          machineVersion: 1,
          snapshot: {},
          state: 'running',
        });
        await store.actors.save({
          actorId: 's3',
          kind: 'session',
          machineVersion: 1,
          snapshot: {},
          state: 'approval',
        });
        await store.actors.save({
          actorId: 'b1',
          kind: 'background',
          machineVersion: 1,
          snapshot: {},
          state: 'running',
        });
        expect((await store.actors.list('session')).map((r) => r.actorId)).toEqual(['s1', 's2', 's3']);
        expect((await store.actors.list('session', ['running', 'approval'])).map((r) => r.actorId)).toEqual([
          's1',
          's3',
        ]);
        expect(await store.actors.list('session', [])).toEqual([]);
        expect((await store.actors.list('background')).map((r) => r.actorId)).toEqual(['b1']);
      });

      it('hands out copies: changing a loaded snapshot does not change the stored one', async () => {
        await store.actors.save({
          actorId: 'a',
          kind: 'session',
          machineVersion: 1,
          snapshot,
          state: 'running',
        });
        const loaded = await store.actors.load('a');
        (loaded!.snapshot as typeof snapshot).context.queue.push({ text: 'sneaky', inboxId: 9 });
        expect((await store.actors.load('a'))?.snapshot).toEqual(snapshot);
      });

      it('refuses a snapshot with no JSON form on its own, without losing writes made with it', async () => {
        const bad = store.actors.save({
          actorId: 'bad',
          kind: 'session',
          machineVersion: 1,
          snapshot: { n: 1n },
          state: 'idle',
        });
        const good = store.meta.set('k', 'v');
        await expectCoded(bad, 'GATEWAY_ERR_STORE');
        await good;
        expect(await store.meta.get('k')).toBe('v');
        expect(await store.actors.load('bad')).toBeUndefined();
      });
    });

    describe('meta', () => {
      it('gets, sets, replaces and deletes values', async () => {
        expect(await store.meta.get('clean_shutdown')).toBeUndefined();
        await store.meta.set('clean_shutdown', 'false');
        await store.meta.set('clean_shutdown', 'true');
        expect(await store.meta.get('clean_shutdown')).toBe('true');
        await store.meta.delete('clean_shutdown');
        expect(await store.meta.get('clean_shutdown')).toBeUndefined();
      });
    });

    describe('pairing', () => {
      const limits = { maxPendingPerPlatform: 3, minIntervalMs: 600_000 };
      const policy = { maxFailures: 3, windowMs: 3_600_000, lockMs: 3_600_000 };

      it('adds a request and lists it with every field', async () => {
        const row = pairingRequest('telegram', '7', clock.now());
        expect(await store.pairing.addRequest(row, limits)).toEqual({ kind: 'added' });
        expect(await store.pairing.listRequests()).toEqual([row]);
        expect(await store.pairing.listRequests('telegram')).toEqual([row]);
        expect(await store.pairing.listRequests('discord')).toEqual([]);
      });

      it("refuses a user's second request within the interval and replaces it after", async () => {
        const t0 = clock.now();
        await store.pairing.addRequest(pairingRequest('telegram', '7', t0), limits);
        const early = pairingRequest('telegram', '7', t0 + 599_999, { codeHash: 'second' });
        expect(await store.pairing.addRequest(early, limits)).toEqual({
          kind: 'rate_limited',
          previousAt: t0,
        });
        const later = pairingRequest('telegram', '7', t0 + 600_000, { codeHash: 'third' });
        expect(await store.pairing.addRequest(later, limits)).toEqual({ kind: 'added' });
        const rows = await store.pairing.listRequests('telegram');
        expect(rows.map((r) => r.codeHash)).toEqual(['third']);
      });

      it('refuses a fourth pending request on a platform, counting only unexpired requests of others', async () => {
        const t0 = clock.now();
        await store.pairing.addRequest(pairingRequest('telegram', 'old', t0 - 7_200_000), limits);
        for (const user of ['a', 'b', 'c']) {
          expect(await store.pairing.addRequest(pairingRequest('telegram', user, t0), limits)).toEqual({
            kind: 'added',
          });
        }
        expect(await store.pairing.addRequest(pairingRequest('telegram', 'd', t0), limits)).toEqual({
          kind: 'too_many_pending',
          pending: 3,
        });
        expect(await store.pairing.addRequest(pairingRequest('discord', 'd', t0), limits)).toEqual({
          kind: 'added',
        });
        // The expired request ends its hour: a new one of the same user counts the 3 others.
        expect(await store.pairing.addRequest(pairingRequest('telegram', 'old', t0), limits)).toEqual({
          kind: 'too_many_pending',
          pending: 3,
        });
      });

      it('applies the limits to requests made in the same tick', async () => {
        const t0 = clock.now();
        const results = await Promise.all(
          ['a', 'b', 'c', 'd', 'e'].map((u) =>
            store.pairing.addRequest(pairingRequest('sms', u, t0), limits),
          ),
        );
        expect(results.filter((r) => r.kind === 'added')).toHaveLength(3);
        expect(await store.pairing.listRequests('sms')).toHaveLength(3);
      });

      it('prunes requests expired before a time and clears by platform or all', async () => {
        const t0 = clock.now();
        await store.pairing.addRequest(pairingRequest('telegram', 'a', t0 - 7_200_000), limits);
        await store.pairing.addRequest(pairingRequest('telegram', 'b', t0), limits);
        await store.pairing.addRequest(pairingRequest('discord', 'c', t0), limits);
        expect(await store.pairing.pruneRequests(t0)).toBe(1);
        expect((await store.pairing.listRequests()).map((r) => r.userId)).toEqual(['c', 'b']); // same time: by platform
        expect(await store.pairing.clearRequests('discord')).toBe(1);
        expect(await store.pairing.clearRequests()).toBe(1);
        expect(await store.pairing.listRequests()).toEqual([]);
      });

      it('approves a request into an approved user, once', async () => {
        const t0 = clock.now();
        await store.pairing.addRequest(pairingRequest('telegram', '7', t0), limits);
        const approved = await store.pairing.approve('telegram', '7', t0 + 5);
        const expected = {
          platform: 'telegram',
          userId: '7',
          userName: 'name of 7',
          approvedAt: t0 + 5,
          notified: false,
        };
        expect(approved).toEqual(expected);
        expect(await store.pairing.getApproved('telegram', '7')).toEqual(expected);
        expect(await store.pairing.getApproved('discord', '7')).toBeUndefined();
        expect(await store.pairing.listRequests()).toEqual([]);
        expect(await store.pairing.approve('telegram', '7', t0 + 6)).toBeUndefined();
      });

      it('lists approved users by platform then approval time', async () => {
        const t0 = clock.now();
        for (const [platform, user, at] of [
          ['telegram', 'b', t0 + 2],
          ['discord', 'z', t0 + 3],
          ['telegram', 'a', t0 + 1],
        ] as const) {
          await store.pairing.addRequest(pairingRequest(platform, user, t0), limits);
          await store.pairing.approve(platform, user, at);
        }
        const rows = await store.pairing.listApproved();
        expect(rows.map((r) => `${r.platform}:${r.userId}`)).toEqual([
          'discord:z',
          'telegram:a',
          'telegram:b',
        ]);
      });

      it('hands out the approval notice once', async () => {
        await store.pairing.addRequest(pairingRequest('telegram', '7', clock.now()), limits);
        await store.pairing.approve('telegram', '7', clock.now());
        const both = await Promise.all([
          store.pairing.takeNotice('telegram', '7'),
          store.pairing.takeNotice('telegram', '7'),
        ]);
        expect(both.filter(Boolean)).toHaveLength(1);
        expect(await store.pairing.takeNotice('telegram', '7')).toBe(false);
        expect(await store.pairing.takeNotice('telegram', 'stranger')).toBe(false);
        expect((await store.pairing.getApproved('telegram', '7'))?.notified).toBe(true);
      });

      it('revokes an approved user and their request, and says whether anything was removed', async () => {
        await store.pairing.addRequest(pairingRequest('telegram', '7', clock.now()), limits);
        await store.pairing.approve('telegram', '7', clock.now());
        expect(await store.pairing.revoke('telegram', '7')).toBe(true);
        expect(await store.pairing.getApproved('telegram', '7')).toBeUndefined();
        expect(await store.pairing.revoke('telegram', '7')).toBe(false);
        await store.pairing.addRequest(pairingRequest('telegram', '8', clock.now()), limits);
        expect(await store.pairing.revoke('telegram', '8')).toBe(true);
        expect(await store.pairing.listRequests()).toEqual([]);
      });

      it('counts failed approvals per platform and locks at the limit', async () => {
        const t0 = clock.now();
        expect(await store.pairing.getLock('telegram')).toBeUndefined();
        await store.pairing.recordFailure('telegram', t0, policy);
        const second = await store.pairing.recordFailure('telegram', t0 + 1, policy);
        expect(second).toEqual({ platform: 'telegram', failures: 2, firstFailedAt: t0, lockedUntil: null });
        const third = await store.pairing.recordFailure('telegram', t0 + 2, policy);
        expect(third).toEqual({
          platform: 'telegram',
          failures: 0,
          firstFailedAt: null,
          lockedUntil: t0 + 3_600_002,
        });
        expect(await store.pairing.getLock('telegram')).toEqual(third);
        expect(await store.pairing.getLock('discord')).toBeUndefined();
        await store.pairing.resetFailures('telegram');
        expect(await store.pairing.getLock('telegram')).toBeUndefined();
      });

      it('starts a new failure count after the window', async () => {
        const t0 = clock.now();
        await store.pairing.recordFailure('telegram', t0, policy);
        await store.pairing.recordFailure('telegram', t0 + 1, policy);
        const fresh = await store.pairing.recordFailure('telegram', t0 + 3_600_000, policy);
        expect(fresh).toEqual({
          platform: 'telegram',
          failures: 1,
          firstFailedAt: t0 + 3_600_000,
          lockedUntil: null,
        });
      });
    });

    describe('cron', () => {
      const t0 = 1_700_000_000_000;

      it('creates a job and reads it back with every field, the delivery target as a document', async () => {
        const job = cronJob('cron_a', t0 + 60_000, {
          deliverTo: {
            kind: 'origin',
            platform: 'slack',
            chatType: 'thread',
            chatId: 'C1',
            threadId: '17.5',
          },
          missedPolicy: 'run_once',
          lastRunAt: t0 - 1,
          lastStatus: 'failed',
          lastError: 'boom',
          runCount: 3,
        });
        await store.cron.create(job);
        expect(await store.cron.get('cron_a')).toEqual(job);
        expect(await store.cron.get('cron_missing')).toBeUndefined();
      });

      it('refuses a second job with the same id with GATEWAY_ERR_STORE and keeps the first', async () => {
        await store.cron.create(cronJob('cron_a', t0));
        await expectCoded(store.cron.create(cronJob('cron_a', t0, { name: 'other' })), 'GATEWAY_ERR_STORE');
        expect((await store.cron.get('cron_a'))?.name).toBe('job cron_a');
      });

      it('lists jobs oldest first, ties by id', async () => {
        await store.cron.create(cronJob('cron_c', t0, { createdAt: t0 + 5 }));
        await store.cron.create(cronJob('cron_b', t0, { createdAt: t0 }));
        await store.cron.create(cronJob('cron_a', t0, { createdAt: t0 }));
        expect((await store.cron.list()).map((j) => j.id)).toEqual(['cron_a', 'cron_b', 'cron_c']);
      });

      it('updates only the fields given and answers the job after the change', async () => {
        await store.cron.create(cronJob('cron_a', t0, { lastError: 'old' }));
        const updated = await store.cron.update('cron_a', {
          status: 'paused',
          lastStatus: 'ok',
          lastError: null,
          runCount: 1,
          deliverTo: { kind: 'home', platform: 'discord' },
        });
        const expected = cronJob('cron_a', t0, {
          status: 'paused',
          lastStatus: 'ok',
          lastError: null,
          runCount: 1,
          deliverTo: { kind: 'home', platform: 'discord' },
        });
        expect(updated).toEqual(expected);
        expect(await store.cron.get('cron_a')).toEqual(expected);
        expect(await store.cron.update('cron_a', {})).toEqual(expected);
        expect(await store.cron.update('cron_missing', { status: 'paused' })).toBeUndefined();
      });

      it('sets next_run_at to null through update', async () => {
        await store.cron.create(cronJob('cron_a', t0));
        expect((await store.cron.update('cron_a', { nextRunAt: null }))?.nextRunAt).toBeNull();
      });

      it('removes a job and says whether it existed', async () => {
        await store.cron.create(cronJob('cron_a', t0));
        expect(await store.cron.remove('cron_a')).toBe(true);
        expect(await store.cron.remove('cron_a')).toBe(false);
        expect(await store.cron.get('cron_a')).toBeUndefined();
      });

      it('lists as due only active jobs whose next run is at or before now, soonest first', async () => {
        await store.cron.create(cronJob('cron_late', t0 + 10));
        await store.cron.create(cronJob('cron_now', t0));
        await store.cron.create(cronJob('cron_early', t0 - 10));
        await store.cron.create(cronJob('cron_future', t0 + 11));
        await store.cron.create(cronJob('cron_paused', t0 - 20, { status: 'paused' }));
        await store.cron.create(cronJob('cron_done', null, { status: 'done' }));
        await store.cron.create(cronJob('cron_unscheduled', null));
        expect((await store.cron.due(t0 + 10)).map((j) => j.id)).toEqual([
          'cron_early',
          'cron_now',
          'cron_late',
        ]);
      });

      it('claims a run once: the second claim with the same expected time loses', async () => {
        await store.cron.create(cronJob('cron_a', t0));
        expect(await store.cron.claim('cron_a', t0, t0 + 3_600_000)).toBe(true);
        expect(await store.cron.claim('cron_a', t0, t0 + 3_600_000)).toBe(false);
        const job = await store.cron.get('cron_a');
        expect(job?.nextRunAt).toBe(t0 + 3_600_000);
        expect(job?.status).toBe('active');
        expect(await store.cron.due(t0 + 1)).toEqual([]);
      });

      it('lets exactly one of two concurrent claims win', async () => {
        await store.cron.create(cronJob('cron_a', t0));
        const results = await Promise.all([
          store.cron.claim('cron_a', t0, t0 + 1000),
          store.cron.claim('cron_a', t0, t0 + 2000),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('makes a job done when claimed with no next run', async () => {
        await store.cron.create(cronJob('cron_once', t0, { schedule: '30m' }));
        expect(await store.cron.claim('cron_once', t0, null)).toBe(true);
        const job = await store.cron.get('cron_once');
        expect(job?.status).toBe('done');
        expect(job?.nextRunAt).toBeNull();
      });

      it('does not claim a paused, done or unknown job', async () => {
        await store.cron.create(cronJob('cron_paused', t0, { status: 'paused' }));
        await store.cron.create(cronJob('cron_done', t0, { status: 'done' }));
        expect(await store.cron.claim('cron_paused', t0, t0 + 1)).toBe(false);
        expect(await store.cron.claim('cron_done', t0, t0 + 1)).toBe(false);
        expect(await store.cron.claim('cron_missing', t0, t0 + 1)).toBe(false);
        expect((await store.cron.get('cron_paused'))?.nextRunAt).toBe(t0);
      });
    });

    const { connectAgain } = options;
    describeLeaseConformance({
      store: () => store,
      clock: () => clock,
      ...(connectAgain
        ? {
            connectAgain: async () => {
              const other = await connectAgain(clock);
              others.push(other);
              await other.migrate();
              return other;
            },
          }
        : {}),
    });

    describe('lifecycle', () => {
      it('flush resolves with the writes made before it visible', async () => {
        const write = store.meta.set('k', 'v');
        await store.flush();
        expect(await store.meta.get('k')).toBe('v');
        await write;
      });

      it('refuses reads and writes after close with GATEWAY_ERR_STORE', async () => {
        await store.close();
        await expectCoded(store.meta.set('k', 'v'), 'GATEWAY_ERR_STORE');
        await expectCoded(store.meta.get('k'), 'GATEWAY_ERR_STORE');
        await expectCoded(store.inbox.accept(inbound('m'), 's'), 'GATEWAY_ERR_STORE');
        await expectCoded(store.pairing.getApproved('telegram', '7'), 'GATEWAY_ERR_STORE');
        await expectCoded(store.cron.get('cron_a'), 'GATEWAY_ERR_STORE');
        await expectCoded(store.cron.create(cronJob('cron_a', 1)), 'GATEWAY_ERR_STORE');
        await expectCoded(
          store.pairing.addRequest(pairingRequest('telegram', '7', clock.now()), {
            maxPendingPerPlatform: 3,
            minIntervalMs: 0,
          }),
          'GATEWAY_ERR_STORE',
        );
        await store.close();
      });
    });
  });
}
