/**
 * The in-memory `Store`: the same semantics as the SQL stores (dedup, idempotency
 * keys, upserts, status transitions, ordering, JSON round trip of documents),
 * nothing persisted. For embedding tests and as the second implementation the
 * conformance suite runs against.
 */
import type { InboundMessage, OutboundMessage } from '../adapters/contract.ts';
import { GatewayError } from '../errors.ts';
import { duplicateCronJobError } from './cron-store.ts';
import { fromJsonText, toJsonText } from './json-text.ts';
import { IN_FLIGHT_AT_STOP } from './outbox-store.ts';
import { decidePairingRequest, nextPairingFailureState } from './pairing-store.ts';
import type {
  ActorRow,
  ActorStore,
  ApprovedUserRow,
  CronDeliverTarget,
  CronJobRow,
  CronStore,
  InboxRow,
  InboxStatus,
  InboxStore,
  MetaStore,
  OutboxRow,
  OutboxStatus,
  OutboxStore,
  PairingLockRow,
  PairingRequestRow,
  PairingStore,
  Store,
  TimerRow,
  TimerStore,
  TranscriptEntry,
  TranscriptStore,
} from './store.ts';
import { type SessionModelUsage, summarizeUsage } from './transcript-summary.ts';

/** Options of `createMemoryStore()`. */
export interface MemoryStoreOptions {
  /** Clock in epoch milliseconds; defaults to `Date.now`. */
  now?: () => number;
}

/** A stored row: documents kept as JSON text, as a database keeps them. */
type Stored<Row, DocKey extends keyof Row> = Omit<Row, DocKey> & { [K in DocKey]: string };

/** The tables, the clock and the open/closed guard shared by the parts. */
class MemoryTables {
  readonly actors = new Map<string, Stored<ActorRow, 'snapshot'>>();
  readonly inbox = new Map<number, Stored<InboxRow, 'message'>>();
  readonly inboxByPlatformId = new Map<string, number>();
  readonly outbox = new Map<number, Stored<OutboxRow, 'message'>>();
  readonly outboxByKey = new Map<string, number>();
  readonly transcript: TranscriptEntry[] = [];
  readonly timers = new Map<string, Stored<TimerRow, 'event'>>();
  readonly meta = new Map<string, string>();
  readonly pairingRequests = new Map<string, PairingRequestRow>();
  readonly pairingApproved = new Map<string, ApprovedUserRow>();
  readonly pairingFailures = new Map<string, PairingLockRow>();
  readonly cronJobs = new Map<string, Stored<CronJobRow, 'deliverTo'>>();
  readonly now: () => number;
  closed = false;
  #nextId = { inbox: 1, outbox: 1, transcript: 1 };

  constructor(now: () => number) {
    this.now = now;
  }

  /** The next id of an identity column. */
  nextId(table: 'inbox' | 'outbox' | 'transcript'): number {
    const id = this.#nextId[table];
    this.#nextId[table] = id + 1;
    return id;
  }

  /** Refuses use after `close()`, as a closed database does. */
  assertOpen(): void {
    if (this.closed) throw new GatewayError('GATEWAY_ERR_STORE', 'The store is closed');
  }
}

/** Orders by a numeric id. */
const byId = (a: { id: number }, b: { id: number }): number => a.id - b.id;

/** Dedup key of an inbound message. */
const platformIdKey = (platform: string, platformMessageId: string): string =>
  JSON.stringify([platform, platformMessageId]);

function loadActor(row: Stored<ActorRow, 'snapshot'>): ActorRow {
  return {
    ...row,
    snapshot: fromJsonText(row.snapshot, `The snapshot of actor ${row.actorId}`, 'GATEWAY_ERR_SNAPSHOT'),
  };
}

function loadInbox(row: Stored<InboxRow, 'message'>): InboxRow {
  return { ...row, message: fromJsonText<InboundMessage>(row.message, `inbox row ${row.id}`) };
}

function loadOutbox(row: Stored<OutboxRow, 'message'>): OutboxRow {
  return { ...row, message: fromJsonText<OutboundMessage>(row.message, `outbox row ${row.id}`) };
}

function loadTimer(row: Stored<TimerRow, 'event'>): TimerRow {
  return { ...row, event: fromJsonText<TimerRow['event']>(row.event, `timer ${row.key}`) };
}

function memoryActors(t: MemoryTables): ActorStore {
  return {
    async save(row) {
      t.assertOpen();
      t.actors.set(row.actorId, {
        actorId: row.actorId,
        kind: row.kind,
        machineVersion: row.machineVersion,
        state: row.state,
        snapshot: toJsonText(row.snapshot, `the snapshot of actor ${row.actorId}`),
        updatedAt: row.updatedAt ?? t.now(),
      });
    },
    async load(actorId) {
      t.assertOpen();
      const row = t.actors.get(actorId);
      return row ? loadActor(row) : undefined;
    },
    async list(kind, states) {
      t.assertOpen();
      return [...t.actors.values()]
        .filter((r) => r.kind === kind && (states === undefined || states.includes(r.state)))
        .sort((a, b) => (a.actorId < b.actorId ? -1 : a.actorId > b.actorId ? 1 : 0))
        .map(loadActor);
    },
    async delete(actorId) {
      t.assertOpen();
      t.actors.delete(actorId);
    },
  };
}

function memoryInbox(t: MemoryTables): InboxStore {
  return {
    async accept(message, sessionKey) {
      t.assertOpen();
      const text = toJsonText(message, `message ${message.platformMessageId} of ${message.platform}`);
      const key = platformIdKey(message.platform, message.platformMessageId);
      const existing = t.inboxByPlatformId.get(key);
      if (existing !== undefined) return { id: existing, duplicate: true };
      const id = t.nextId('inbox');
      t.inbox.set(id, {
        id,
        platform: message.platform,
        platformMessageId: message.platformMessageId,
        sessionKey,
        message: text,
        status: 'accepted',
        receivedAt: t.now(),
      });
      t.inboxByPlatformId.set(key, id);
      return { id, duplicate: false };
    },
    async setStatus(ids, status: InboxStatus) {
      t.assertOpen();
      for (const id of ids) {
        const row = t.inbox.get(id);
        if (row) row.status = status;
      }
    },
    async get(id) {
      t.assertOpen();
      const row = t.inbox.get(id);
      return row ? loadInbox(row) : undefined;
    },
    async listByStatus(status) {
      t.assertOpen();
      return [...t.inbox.values()]
        .filter((r) => r.status === status)
        .sort(byId)
        .map(loadInbox);
    },
  };
}

function memoryOutbox(t: MemoryTables): OutboxStore {
  const update = (id: number, changes: Partial<Stored<OutboxRow, 'message'>>): void => {
    t.assertOpen();
    const row = t.outbox.get(id);
    if (row) Object.assign(row, changes, { updatedAt: t.now() });
  };
  return {
    async enqueue(platform, message) {
      t.assertOpen();
      const text = toJsonText(message, `reply ${message.idempotencyKey}`);
      const existing = t.outboxByKey.get(message.idempotencyKey);
      if (existing !== undefined) return existing;
      const id = t.nextId('outbox');
      const now = t.now();
      t.outbox.set(id, {
        id,
        idempotencyKey: message.idempotencyKey,
        platform,
        sessionKey: message.sessionKey,
        message: text,
        status: 'pending',
        attempts: 0,
        platformMessageId: null,
        lastError: null,
        createdAt: now,
        updatedAt: now,
      });
      t.outboxByKey.set(message.idempotencyKey, id);
      return id;
    },
    async get(id) {
      t.assertOpen();
      const row = t.outbox.get(id);
      return row ? loadOutbox(row) : undefined;
    },
    async markSending(id) {
      const attempts = (t.outbox.get(id)?.attempts ?? 0) + 1;
      update(id, { status: 'sending', attempts });
    },
    async markSent(id, platformMessageId) {
      update(
        id,
        platformMessageId === undefined ? { status: 'sent' } : { status: 'sent', platformMessageId },
      );
    },
    async markRetry(id, error) {
      update(id, { status: 'pending', lastError: error });
    },
    async markFailed(id, error) {
      update(id, { status: 'failed', lastError: error });
    },
    async markUnknown(id, error) {
      update(
        id,
        error === undefined
          ? { status: 'unknown_after_send' }
          : { status: 'unknown_after_send', lastError: error },
      );
    },
    async listByStatus(statuses: OutboxStatus[], platform?: string, sessionKey?: string) {
      t.assertOpen();
      return [...t.outbox.values()]
        .filter(
          (r) =>
            statuses.includes(r.status) &&
            (platform === undefined || r.platform === platform) &&
            (sessionKey === undefined || r.sessionKey === sessionKey),
        )
        .sort(byId)
        .map(loadOutbox);
    },
    async recoverInFlight() {
      t.assertOpen();
      let count = 0;
      for (const row of t.outbox.values()) {
        if (row.status === 'streaming' && !loadOutbox(row).message.draft) {
          Object.assign(row, { status: 'pending', updatedAt: t.now() });
          continue;
        }
        if (row.status !== 'sending') continue;
        Object.assign(row, {
          status: 'unknown_after_send',
          lastError: IN_FLIGHT_AT_STOP,
          updatedAt: t.now(),
        });
        count += 1;
      }
      return count;
    },
    async beginStream(sessionKey, adoptAs) {
      t.assertOpen();
      const drafts = [...t.outbox.values()]
        .filter((r) => r.sessionKey === sessionKey && r.status === 'streaming')
        .sort(byId)
        .map(loadOutbox)
        .filter((r) => r.message.draft);
      const adopted = adoptAs !== undefined ? drafts.pop() : undefined;
      for (const row of drafts) update(row.id, { status: 'sent' });
      if (!adopted || adoptAs === undefined) return undefined;
      t.outboxByKey.delete(adopted.idempotencyKey);
      t.outboxByKey.set(adoptAs, adopted.id);
      const message = { ...adopted.message, idempotencyKey: adoptAs };
      update(adopted.id, { idempotencyKey: adoptAs, message: toJsonText(message, `reply ${adoptAs}`) });
      return adopted.message.editsMessage;
    },
    async saveStream(platform, message, status) {
      t.assertOpen();
      const id = t.outboxByKey.get(message.idempotencyKey);
      const existing = id === undefined ? undefined : t.outbox.get(id);
      if (!existing) {
        const newId = t.nextId('outbox');
        const now = t.now();
        t.outbox.set(newId, {
          id: newId,
          idempotencyKey: message.idempotencyKey,
          platform,
          sessionKey: message.sessionKey,
          message: toJsonText(message, `reply ${message.idempotencyKey}`),
          status,
          attempts: 0,
          platformMessageId: null,
          lastError: null,
          createdAt: now,
          updatedAt: now,
        });
        t.outboxByKey.set(message.idempotencyKey, newId);
        return;
      }
      if (existing.status !== 'streaming') return;
      const editsMessage = message.editsMessage ?? loadOutbox(existing).message.editsMessage;
      const merged = { ...message, ...(editsMessage ? { editsMessage } : {}) };
      update(existing.id, { status, message: toJsonText(merged, `reply ${message.idempotencyKey}`) });
    },
  };
}

function memoryTranscript(t: MemoryTables): TranscriptStore {
  return {
    async append(entry) {
      t.assertOpen();
      const id = t.nextId('transcript');
      t.transcript.push({
        id,
        sessionKey: entry.sessionKey,
        conversationId: entry.conversationId,
        role: entry.role,
        content: entry.content,
        inputTokens: entry.inputTokens,
        outputTokens: entry.outputTokens,
        model: entry.model,
        inboxId: entry.inboxId,
        createdAt: entry.createdAt ?? t.now(),
      });
      return id;
    },
    async list(conversationId) {
      t.assertOpen();
      return t.transcript.filter((e) => e.conversationId === conversationId).map((e) => ({ ...e }));
    },
    async listBySession(sessionKey) {
      t.assertOpen();
      return t.transcript.filter((e) => e.sessionKey === sessionKey).map((e) => ({ ...e }));
    },
    async usage(conversationId) {
      t.assertOpen();
      const totals = { inputTokens: 0, outputTokens: 0, turns: 0 };
      for (const e of t.transcript) {
        if (e.conversationId !== conversationId) continue;
        totals.inputTokens += e.inputTokens;
        totals.outputTokens += e.outputTokens;
        if (e.role === 'assistant') totals.turns += 1;
      }
      return totals;
    },
    async moveEntries(ids, conversationId) {
      t.assertOpen();
      for (const e of t.transcript) if (ids.includes(e.id)) e.conversationId = conversationId;
    },
    async summary(sinceMs) {
      t.assertOpen();
      const groups = new Map<string, SessionModelUsage>();
      for (const e of t.transcript) {
        if (e.createdAt < sinceMs) continue;
        const key = JSON.stringify([e.sessionKey, e.model]);
        let g = groups.get(key);
        if (!g) {
          g = { sessionKey: e.sessionKey, model: e.model, turns: 0, inputTokens: 0, outputTokens: 0 };
          groups.set(key, g);
        }
        g.inputTokens += e.inputTokens;
        g.outputTokens += e.outputTokens;
        if (e.role === 'assistant') g.turns += 1;
      }
      return summarizeUsage([...groups.values()]);
    },
  };
}

function memoryTimers(t: MemoryTables): TimerStore {
  return {
    async set(timer) {
      t.assertOpen();
      t.timers.set(timer.key, {
        key: timer.key,
        actorId: timer.actorId,
        event: toJsonText(timer.event, `the event of timer ${timer.key}`),
        dueAt: timer.dueAt,
      });
    },
    async cancel(key) {
      t.assertOpen();
      t.timers.delete(key);
    },
    async list() {
      t.assertOpen();
      return [...t.timers.values()]
        .sort((a, b) => a.dueAt - b.dueAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .map(loadTimer);
    },
  };
}

function memoryMeta(t: MemoryTables): MetaStore {
  return {
    async get(key) {
      t.assertOpen();
      return t.meta.get(key);
    },
    async set(key, value) {
      t.assertOpen();
      t.meta.set(key, value);
    },
    async delete(key) {
      t.assertOpen();
      t.meta.delete(key);
    },
  };
}

/** Key of a (platform, user) row. */
const userKey = (platform: string, userId: string): string => JSON.stringify([platform, userId]);

/** Orders text the way the SQL stores do (binary). */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function memoryPairing(t: MemoryTables): PairingStore {
  const deleteWhere = (match: (row: PairingRequestRow) => boolean): number => {
    let count = 0;
    for (const [key, row] of t.pairingRequests) {
      if (!match(row)) continue;
      t.pairingRequests.delete(key);
      count += 1;
    }
    return count;
  };
  return {
    async addRequest(row, limits) {
      t.assertOpen();
      const previous = t.pairingRequests.get(userKey(row.platform, row.userId));
      const othersPending = [...t.pairingRequests.values()].filter(
        (r) => r.platform === row.platform && r.userId !== row.userId && r.expiresAt > row.createdAt,
      ).length;
      const decision = decidePairingRequest(row, previous?.createdAt, othersPending, limits);
      if (decision.kind === 'added') t.pairingRequests.set(userKey(row.platform, row.userId), { ...row });
      return decision;
    },
    async listRequests(platform) {
      t.assertOpen();
      return [...t.pairingRequests.values()]
        .filter((r) => platform === undefined || r.platform === platform)
        .sort(
          (a, b) =>
            a.createdAt - b.createdAt ||
            compareText(a.platform, b.platform) ||
            compareText(a.userId, b.userId),
        )
        .map((r) => ({ ...r }));
    },
    async pruneRequests(before) {
      t.assertOpen();
      return deleteWhere((r) => r.expiresAt < before);
    },
    async clearRequests(platform) {
      t.assertOpen();
      return deleteWhere((r) => platform === undefined || r.platform === platform);
    },
    async approve(platform, userId, approvedAt) {
      t.assertOpen();
      const key = userKey(platform, userId);
      const request = t.pairingRequests.get(key);
      if (request === undefined) return undefined;
      t.pairingRequests.delete(key);
      const row: ApprovedUserRow = {
        platform,
        userId,
        userName: request.userName,
        approvedAt,
        notified: false,
      };
      t.pairingApproved.set(key, row);
      return { ...row };
    },
    async getApproved(platform, userId) {
      t.assertOpen();
      const row = t.pairingApproved.get(userKey(platform, userId));
      return row === undefined ? undefined : { ...row };
    },
    async listApproved() {
      t.assertOpen();
      return [...t.pairingApproved.values()]
        .sort(
          (a, b) =>
            compareText(a.platform, b.platform) ||
            a.approvedAt - b.approvedAt ||
            compareText(a.userId, b.userId),
        )
        .map((r) => ({ ...r }));
    },
    async revoke(platform, userId) {
      t.assertOpen();
      const key = userKey(platform, userId);
      const approved = t.pairingApproved.delete(key);
      const pending = t.pairingRequests.delete(key);
      return approved || pending;
    },
    async takeNotice(platform, userId) {
      t.assertOpen();
      const row = t.pairingApproved.get(userKey(platform, userId));
      if (row === undefined || row.notified) return false;
      row.notified = true;
      return true;
    },
    async getLock(platform) {
      t.assertOpen();
      const row = t.pairingFailures.get(platform);
      return row === undefined ? undefined : { ...row };
    },
    async recordFailure(platform, at, policy) {
      t.assertOpen();
      const next = { ...nextPairingFailureState(t.pairingFailures.get(platform), at, policy), platform };
      t.pairingFailures.set(platform, next);
      return { ...next };
    },
    async resetFailures(platform) {
      t.assertOpen();
      t.pairingFailures.delete(platform);
    },
  };
}

function loadCronJob(row: Stored<CronJobRow, 'deliverTo'>): CronJobRow {
  return {
    ...row,
    deliverTo: fromJsonText<CronDeliverTarget>(row.deliverTo, `the delivery target of cron job ${row.id}`),
  };
}

function memoryCron(t: MemoryTables): CronStore {
  const deliverText = (id: string, target: CronDeliverTarget): string =>
    toJsonText(target, `the delivery target of cron job ${id}`);
  const sorted = (rows: Iterable<Stored<CronJobRow, 'deliverTo'>>) =>
    [...rows].sort((a, b) => a.createdAt - b.createdAt || compareText(a.id, b.id));
  return {
    async create(job) {
      t.assertOpen();
      const deliverTo = deliverText(job.id, job.deliverTo);
      if (t.cronJobs.has(job.id)) throw duplicateCronJobError(job.id);
      t.cronJobs.set(job.id, { ...job, deliverTo });
    },
    async get(id) {
      t.assertOpen();
      const row = t.cronJobs.get(id);
      return row === undefined ? undefined : loadCronJob(row);
    },
    async list() {
      t.assertOpen();
      return sorted(t.cronJobs.values()).map(loadCronJob);
    },
    async update(id, changes) {
      t.assertOpen();
      const { deliverTo, ...rest } = changes;
      const text = deliverTo === undefined ? undefined : deliverText(id, deliverTo);
      const row = t.cronJobs.get(id);
      if (row === undefined) return undefined;
      for (const [key, value] of Object.entries(rest)) {
        if (value !== undefined) Object.assign(row, { [key]: value });
      }
      if (text !== undefined) row.deliverTo = text;
      return loadCronJob(row);
    },
    async remove(id) {
      t.assertOpen();
      return t.cronJobs.delete(id);
    },
    async due(nowMs) {
      t.assertOpen();
      return [...t.cronJobs.values()]
        .filter((r) => r.status === 'active' && r.nextRunAt !== null && r.nextRunAt <= nowMs)
        .sort((a, b) => (a.nextRunAt ?? 0) - (b.nextRunAt ?? 0) || compareText(a.id, b.id))
        .map(loadCronJob);
    },
    async claim(id, expectedNextRunAt, newNextRunAt) {
      t.assertOpen();
      const row = t.cronJobs.get(id);
      if (row === undefined || row.status !== 'active' || row.nextRunAt !== expectedNextRunAt) return false;
      row.nextRunAt = newNextRunAt;
      if (newNextRunAt === null) row.status = 'done';
      return true;
    },
  };
}

/**
 * Creates an empty in-memory store. Writes apply at once and resolve; after
 * `close()` every call rejects with `GATEWAY_ERR_STORE`.
 *
 * @example
 * const store = createMemoryStore();
 * await store.inbox.accept(message, 'telegram:dm:42');
 */
export function createMemoryStore(opts: MemoryStoreOptions = {}): Store {
  const t = new MemoryTables(opts.now ?? Date.now);
  return {
    dialect: 'memory',
    async migrate() {
      t.assertOpen();
    },
    async flush() {},
    async close() {
      t.closed = true;
    },
    actors: memoryActors(t),
    inbox: memoryInbox(t),
    outbox: memoryOutbox(t),
    transcript: memoryTranscript(t),
    timers: memoryTimers(t),
    meta: memoryMeta(t),
    pairing: memoryPairing(t),
    cron: memoryCron(t),
  };
}
