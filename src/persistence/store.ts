/**
 * The store seam: everything the gateway persists, behind one small interface
 * (as grammY's StorageAdapter: read, write, delete, plus the few queries we need),
 * grouped per concern: actors, inbox, outbox, transcript, timers, meta, pairing,
 * cron, and leases (the seam for several gateway processes on one database). It
 * holds only what the runtime, commands, CLI, cron and access control call. `createSqliteStore()` is the embedded default and `createMemoryStore()`
 * is the same store on `:memory:`; another dialect implements the same
 * interface and passes the same conformance suite
 * (`test/persistence/store-conformance.ts`).
 *
 * Writes are group-committed: every write call made in the same tick lands in
 * one transaction, and its promise resolves only after that transaction
 * committed. A caller that needs durability awaits the write. Reads see
 * committed writes; `flush()` commits the queued ones now.
 */
import type { ChatType, InboundMessage, OutboundMessage } from '../adapters/contract.ts';

/** One persisted actor (session, background task, ...): one row each. */
export interface ActorRow {
  /** The actor's id, e.g. a session key or `breaker:telegram`. */
  actorId: string;
  /** Machine kind, e.g. `session`. */
  kind: string;
  /** Version of the machine that wrote the snapshot. */
  machineVersion: number;
  /** The persisted snapshot (JSON). */
  snapshot: unknown;
  /** Top-level state value of the snapshot, kept for queries (e.g. `running`). */
  state: string;
  /** Epoch milliseconds. */
  updatedAt: number;
}

/** Inbox row status: accepted (durable, not yet given to a session) → delivered (in a session's snapshot) → done (answered). */
export type InboxStatus = 'accepted' | 'delivered' | 'done';

/** One accepted inbound message. */
export interface InboxRow {
  /** Row id, increasing in the order messages were accepted. */
  id: number;
  /** The platform the message came from. */
  platform: string;
  /** The platform's id of the message (the dedup key with `platform`). */
  platformMessageId: string;
  /** The session the message goes to. */
  sessionKey: string;
  /** The message as the adapter normalised it. */
  message: InboundMessage;
  /** Where the message is on its way. */
  status: InboxStatus;
  /** Epoch milliseconds. */
  receivedAt: number;
}

/**
 * Outbox row status. `streaming`: the reply's message is being streamed (edited as the
 * answer grows), its text not final yet. `unknown_after_send` is never resent blindly.
 */
export type OutboxStatus = 'streaming' | 'pending' | 'sending' | 'sent' | 'unknown_after_send' | 'failed';

/** One reply to deliver. */
export interface OutboxRow {
  /** Row id, increasing in the order replies were enqueued. */
  id: number;
  /** One key per logical reply; enqueueing it again keeps the first row. */
  idempotencyKey: string;
  /** The platform that sends it. */
  platform: string;
  /** The session the reply belongs to. */
  sessionKey: string;
  /** The reply as the session composed it. */
  message: OutboundMessage;
  /** Where the reply is on its way. */
  status: OutboxStatus;
  /** Send attempts started (`markSending` calls). */
  attempts: number;
  /** The platform's id of the sent message, when it gave one. */
  platformMessageId: string | null;
  /** The error of the last failed attempt, or null. */
  lastError: string | null;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds of the last status change. */
  updatedAt: number;
}

/** One transcript entry (a user message, an assistant answer or a tool result). */
export interface TranscriptEntry {
  /** Entry id, increasing in the order entries were appended. */
  id: number;
  /** Chat-level session key (routes messages to the session actor). */
  sessionKey: string;
  /** One conversation of that session (a new one starts on reset). */
  conversationId: string;
  /**
   * Who said it. A `summary` is a compressed context (`/compress`): runs start from the
   * latest one instead of the entries it summarises, which stay in the transcript.
   */
  role: 'system' | 'user' | 'assistant' | 'tool' | 'summary';
  /** The text (or tool result). */
  content: string;
  /** Prompt tokens the answer cost (0 for other roles). */
  inputTokens: number;
  /** Completion tokens the answer cost (0 for other roles). */
  outputTokens: number;
  /** The model that answered, or null. */
  model: string | null;
  /** The inbox row this entry came from or answers. */
  inboxId: number | null;
  /** Epoch milliseconds. */
  createdAt: number;
}

/** A durable timer: at `dueAt` the scheduler delivers `event` to `actorId`. */
export interface TimerRow {
  /** Unique key; setting a timer with an existing key replaces it. */
  key: string;
  /** The actor that gets the event. */
  actorId: string;
  /** The event delivered when the timer is due. */
  event: { type: string; [k: string]: unknown };
  /** Epoch milliseconds. */
  dueAt: number;
}

/** Actor rows: one per persisted actor (sessions, breakers, background tasks). */
export interface ActorStore {
  /** Inserts or replaces the actor's row; `updatedAt` defaults to the store's clock. */
  save(row: Omit<ActorRow, 'updatedAt'> & { updatedAt?: number }): Promise<void>;
  /** The actor's row (its snapshot a fresh copy), or undefined. */
  load(actorId: string): Promise<ActorRow | undefined>;
  /** Rows of a kind by actor id, optionally only those whose top-level state is one of `states`. */
  list(kind: string, states?: string[]): Promise<ActorRow[]>;
}

/** The durable inbox, deduplicated on (platform, platformMessageId). */
export interface InboxStore {
  /** Accepts a message; resolves after commit. A repeat of (platform, platformMessageId) gives the first row's id and `duplicate: true`. */
  accept(message: InboundMessage, sessionKey: string): Promise<{ id: number; duplicate: boolean }>;
  /** Sets the status of the given rows (unknown ids are ignored). */
  setStatus(ids: number[], status: InboxStatus): Promise<void>;
  /** One row, or undefined. */
  get(id: number): Promise<InboxRow | undefined>;
  /** Rows with a status, in the order they were accepted. */
  listByStatus(status: InboxStatus): Promise<InboxRow[]>;
}

/** The durable outbox: `pending → sending → sent | failed`, and `unknown_after_send` after a crash. */
export interface OutboxStore {
  /** Adds a pending reply. The same idempotency key twice keeps the first row (and returns its id). */
  enqueue(platform: string, message: OutboundMessage): Promise<number>;
  /** Marks a row `sending` and counts the attempt; resolves after commit, before the send starts. */
  markSending(id: number): Promise<void>;
  /** Marks a row `sent`, with the platform's message id when it gave one. */
  markSent(id: number, platformMessageId?: string): Promise<void>;
  /** Back to `pending` after a retryable failure, with its error. */
  markRetry(id: number, error: string): Promise<void>;
  /** `failed` for good, with the error. */
  markFailed(id: number, error: string): Promise<void>;
  /** Rows in one of `statuses`, oldest first, optionally of one platform and one session. */
  listByStatus(statuses: OutboxStatus[], platform?: string, sessionKey?: string): Promise<OutboxRow[]>;
  /**
   * At start: every `sending` row becomes `unknown_after_send` (the crash hid the outcome), and a
   * streamed reply whose final text was committed becomes `pending`. Returns how many were unknown.
   */
  recoverInFlight(): Promise<number>;
  /**
   * A run of the session starts. With `adoptAs`, the session's newest draft stream (left by a run a
   * restart cut off) is taken over under that idempotency key and its message returned (the streamed
   * message id in `editsMessage`, the progress messages in `progressMessages`);
   * every other draft of the session is closed as `sent` (its partial text is what the user has).
   */
  beginStream(sessionKey: string, adoptAs?: string): Promise<OutboundMessage | undefined>;
  /**
   * Writes a streamed reply by its idempotency key: inserted when new; when the row is still
   * `streaming`, its message and status are replaced (a streamed message id and progress messages
   * already recorded are kept when the new message has none). A row past `streaming` is left as it is.
   */
  saveStream(platform: string, message: OutboundMessage, status: 'streaming' | 'pending'): Promise<void>;
}

/** The conversation transcript with token usage. */
export interface TranscriptStore {
  /** Appends an entry (`createdAt` defaults to the store's clock); resolves with its id after commit. */
  append(entry: Omit<TranscriptEntry, 'id' | 'createdAt'> & { createdAt?: number }): Promise<number>;
  /** Entries of one conversation, oldest first. */
  list(conversationId: string): Promise<TranscriptEntry[]>;
  /** Entries of every conversation of a session, oldest first. */
  listBySession(sessionKey: string): Promise<TranscriptEntry[]>;
  /** Token totals of a conversation. */
  usage(conversationId: string): Promise<{ inputTokens: number; outputTokens: number; turns: number }>;
  /** Moves entries to another conversation (`/undo` sets a turn aside this way; nothing is deleted). */
  moveEntries(ids: number[], conversationId: string): Promise<void>;
  /**
   * Usage analytics of every entry created at or after `sinceMs` (epoch ms): sessions,
   * turns (assistant answers) and tokens, in total, by platform and by model.
   */
  summary(sinceMs: number): Promise<TranscriptSummary>;
}

/** Sessions, turns (assistant answers) and tokens of a slice of the transcript. */
export interface UsageTotals {
  /** Distinct session keys with at least one entry. */
  sessions: number;
  /** Assistant answers. */
  turns: number;
  /** Prompt tokens. */
  inputTokens: number;
  /** Completion tokens. */
  outputTokens: number;
}

/** What `TranscriptStore.summary` answers; the breakdowns are ordered by tokens, most first, then by name. */
export interface TranscriptSummary extends UsageTotals {
  /** By platform: the session key up to its first colon (`telegram` of `telegram:dm:42`). */
  byPlatform: (UsageTotals & { platform: string })[];
  /** By the model that answered (null when the backend did not say); only models with turns or tokens. */
  byModel: (UsageTotals & { model: string | null })[];
}

/** Durable timers (the scheduler turns them into events). */
export interface TimerStore {
  /** Sets a timer; one already set under its key is replaced. */
  set(timer: TimerRow): Promise<void>;
  /** Removes a timer (no-op when absent). */
  cancel(key: string): Promise<void>;
  /** Every timer, soonest first (ties by key). */
  list(): Promise<TimerRow[]>;
}

/** Small key/value facts about the install (clean-shutdown marker, boot times, home channels, settings). */
export interface MetaStore {
  /** The value, or undefined. */
  get(key: string): Promise<string | undefined>;
  /** Sets (or replaces) a value. */
  set(key: string, value: string): Promise<void>;
  /** Removes a value (no-op when absent). */
  delete(key: string): Promise<void>;
}

/**
 * A pending DM pairing request: one per (platform, user). Only a salted hash of
 * the code is kept, never the code itself.
 */
export interface PairingRequestRow {
  /** The platform the user wrote on. */
  platform: string;
  /** The platform's user id. */
  userId: string;
  /** The user's display name, when the platform gave one. */
  userName: string | null;
  /** The DM the request came from. */
  chatId: string;
  /** Hash of the code with its parameters (e.g. `scrypt$16384$8$1$<base64>`). */
  codeHash: string;
  /** Random salt of the hash (hex). */
  salt: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds; after it the code no longer approves anyone. */
  expiresAt: number;
}

/** A user the owner approved through pairing. */
export interface ApprovedUserRow {
  /** The platform the user is approved on. */
  platform: string;
  /** The platform's user id. */
  userId: string;
  /** The user's display name from their request, when there was one. */
  userName: string | null;
  /** Epoch milliseconds. */
  approvedAt: number;
  /** Whether the user has been told they were approved. */
  notified: boolean;
}

/** Failed approvals of one platform and its lock-out. */
export interface PairingLockRow {
  /** The platform whose approvals these are. */
  platform: string;
  /** Failed approvals counted since `firstFailedAt`. */
  failures: number;
  /** Epoch milliseconds of the first counted failure, or null when none is counted. */
  firstFailedAt: number | null;
  /** Epoch milliseconds until which approvals are refused, or null. */
  lockedUntil: number | null;
}

/** The limits `PairingStore.addRequest` enforces atomically. */
export interface PairingRequestLimits {
  /** Most unexpired requests one platform may hold (the requesting user's own excluded). */
  maxPendingPerPlatform: number;
  /** A user's new request is refused while their previous one is younger than this (ms). */
  minIntervalMs: number;
}

/** What `PairingStore.addRequest` did: added, refused because the user's previous request is too recent, or refused because the platform has too many pending. */
export type AddPairingRequestResult =
  | { kind: 'added' }
  | { kind: 'rate_limited'; previousAt: number }
  | { kind: 'too_many_pending'; pending: number };

/** How `PairingStore.recordFailure` counts failures. */
export interface PairingFailurePolicy {
  /** Failures that lock the platform's approvals. */
  maxFailures: number;
  /** Failures older than this (ms, from the first counted one) start a new count. */
  windowMs: number;
  /** How long a lock-out lasts (ms). */
  lockMs: number;
}

/** DM pairing: pending requests, approved users and approval lock-outs. */
export interface PairingStore {
  /**
   * Adds a pending request, replacing the user's previous one, unless the limits
   * refuse it. The check and the write happen in one transaction. Requests with
   * `expiresAt <= row.createdAt` do not count as pending.
   */
  addRequest(row: PairingRequestRow, limits: PairingRequestLimits): Promise<AddPairingRequestResult>;
  /** Requests (expired ones too) of one platform or of all, oldest first. */
  listRequests(platform?: string): Promise<PairingRequestRow[]>;
  /** Removes requests of one platform (or all) that expired before `before`; returns how many. */
  pruneRequests(before: number): Promise<number>;
  /** Removes every request of one platform (or all); returns how many. */
  clearRequests(platform?: string): Promise<number>;
  /**
   * Turns the user's request into an approved user (one transaction). Undefined
   * when the request is gone (approved or cleared meanwhile).
   */
  approve(platform: string, userId: string, approvedAt: number): Promise<ApprovedUserRow | undefined>;
  /** The approved user, or undefined. */
  getApproved(platform: string, userId: string): Promise<ApprovedUserRow | undefined>;
  /** Approved users of every platform, by platform then approval time. */
  listApproved(): Promise<ApprovedUserRow[]>;
  /** Removes an approved user and any request of theirs; true when something was removed. */
  revoke(platform: string, userId: string): Promise<boolean>;
  /** Marks the approved user notified; true only for the call that changed it. */
  takeNotice(platform: string, userId: string): Promise<boolean>;
  /** The platform's failures and lock-out, or undefined when it never failed (or was reset). */
  getLock(platform: string): Promise<PairingLockRow | undefined>;
  /** Counts one failed approval at `at` and locks the platform when the count reaches the limit; returns the new state. */
  recordFailure(platform: string, at: number, policy: PairingFailurePolicy): Promise<PairingLockRow>;
  /** Forgets the platform's failures (after a successful approval). */
  resetFailures(platform: string): Promise<void>;
}

/** Where a cron job's result goes: the chat it was created in, or a platform's home channel. */
export type CronDeliverTarget =
  | { kind: 'origin'; platform: string; chatId: string; chatType: ChatType; threadId?: string }
  | { kind: 'home'; platform: string };

/** What happens to a run the gateway missed (it was down): skip it, or run it once late. */
export type CronMissedPolicy = 'skip' | 'run_once';

/** `active` jobs run when due; `paused` ones wait for resume; `done` one-shot jobs have run. */
export type CronJobStatus = 'active' | 'paused' | 'done';

/** One scheduled agent prompt. */
export interface CronJobRow {
  /** `cron_` and 8 random characters. */
  id: string;
  /** The job's name as shown in lists. */
  name: string;
  /** The schedule as the user wrote it (`0 9 * * *`, `every 2h`, `30m`, an ISO time). */
  schedule: string;
  /** What the agent is asked on each run. */
  prompt: string;
  /** Where the result goes. */
  deliverTo: CronDeliverTarget;
  /** What happens to a run the gateway missed. */
  missedPolicy: CronMissedPolicy;
  /** Whether the job runs. */
  status: CronJobStatus;
  /** Epoch milliseconds of the next run, or null when none is scheduled. */
  nextRunAt: number | null;
  /** Epoch milliseconds the last run started, or null before the first. */
  lastRunAt: number | null;
  /** How the last run ended, or null before the first. */
  lastStatus: 'ok' | 'failed' | null;
  /** The error of the last run when it failed, else null. */
  lastError: string | null;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Session key of the chat that created it, or `cli`. */
  createdBy: string;
  /** Runs started so far. */
  runCount: number;
}

/** The fields of a cron job `CronStore.update` may change. */
export type CronJobChanges = Partial<Omit<CronJobRow, 'id' | 'createdAt' | 'createdBy'>>;

/** Cron jobs. */
export interface CronStore {
  /** Adds a job; a job with the same id already there is refused with `GATEWAY_ERR_STORE`. */
  create(job: CronJobRow): Promise<void>;
  /** One job, or undefined. */
  get(id: string): Promise<CronJobRow | undefined>;
  /** Every job, oldest first (ties by id). */
  list(): Promise<CronJobRow[]>;
  /** Changes some fields; the job after the change, or undefined when there is no such job. */
  update(id: string, changes: CronJobChanges): Promise<CronJobRow | undefined>;
  /** Removes a job; true when it existed. */
  remove(id: string): Promise<boolean>;
  /** Active jobs with `nextRunAt <= nowMs`, soonest first (ties by id). */
  due(nowMs: number): Promise<CronJobRow[]>;
  /**
   * Takes a run of an active job: atomically, only when the job is active and its
   * `nextRunAt` still equals `expectedNextRunAt`, sets it to `newNextRunAt` (a null
   * one makes the job `done`). True for the one caller that won; everyone else
   * (another tick, another process) gets false and does not run the job.
   */
  claim(id: string, expectedNextRunAt: number, newNextRunAt: number | null): Promise<boolean>;
}

/** What `LeaseStore.acquire` grants. */
export interface LeaseGrant {
  /**
   * The fencing token: per lease name it starts at 1 and grows by one every
   * time the lease passes to a holder (after being free, expired or released),
   * and never repeats. A write made on behalf of a lease carries its token, and
   * is refused once `isCurrent(name, token)` is false.
   */
  token: number;
  /** Epoch milliseconds on the store's clock; from then on the lease is free unless renewed. */
  expiresAt: number;
}

/** Who holds a lease now. */
export interface LeaseHolder extends LeaseGrant {
  /** The holder's id (one per gateway process, e.g. host, pid and start time). */
  owner: string;
}

/**
 * Leases with fencing tokens: the seam that lets several gateway processes share
 * one database (PostgreSQL) while each session actor, and each single-consumer
 * platform connection (Telegram long polling, the Discord gateway, a WhatsApp
 * socket), has exactly one live owner. The single-process gateway does not take
 * leases yet; every store implements them and passes the same conformance tests.
 *
 * Rules, on the store's clock (every process sharing a database must share that
 * clock; a PostgreSQL store may take it from the database):
 * - At most one owner holds a lease at a time: from `acquire` until its
 *   `expiresAt`, unless renewed before or released.
 * - A lease that expired, or was released, can be taken by anyone, and the new
 *   grant has a higher token: the previous holder's token is stale from then on,
 *   its `renew` and `release` fail and `isCurrent` says false.
 * - A holder that lets its lease run out has lost it, even if nobody took it:
 *   it must acquire again and gets a new token.
 *
 * Arguments are checked first: an empty name or owner, or a ttl or token that is
 * not a positive whole number, rejects with `LeaseError` (`GATEWAY_ERR_LEASE`).
 *
 * @example
 * const grant = await store.leases.acquire('session:telegram:dm:42', instanceId, 30_000);
 * if (grant) {
 *   // ... work, renewing before grant.expiresAt:
 *   const stillMine = await store.leases.renew('session:telegram:dm:42', instanceId, grant.token, 30_000);
 *   await store.leases.release('session:telegram:dm:42', instanceId, grant.token);
 * }
 */
export interface LeaseStore {
  /**
   * Takes the lease for `ttlMs`: granted when it is free, expired or released
   * (with the next token), or already held by `owner` (same token, expiry
   * extended); undefined while another owner holds it.
   */
  acquire(name: string, owner: string, ttlMs: number): Promise<LeaseGrant | undefined>;
  /** Extends the lease to `ttlMs` from now; true only for its unexpired holder with the current token. */
  renew(name: string, owner: string, token: number, ttlMs: number): Promise<boolean>;
  /**
   * Frees the lease at once (the next `acquire` gets a higher token); true only
   * for its unexpired holder with the current token. A stale token changes nothing.
   */
  release(name: string, owner: string, token: number): Promise<boolean>;
  /** Whether `token` is the token of the lease's unexpired, unreleased grant: the fencing check. */
  isCurrent(name: string, token: number): Promise<boolean>;
  /** The current holder, or undefined when the lease is free, expired or released. */
  holder(name: string): Promise<LeaseHolder | undefined>;
}

/** Everything the gateway persists, one part per concern. */
export interface Store {
  /** Creates or upgrades the schema; safe on every start. */
  migrate(): Promise<void>;
  /** Commits pending writes now. */
  flush(): Promise<void>;
  /** Flushes and closes; afterwards every call rejects with `GATEWAY_ERR_STORE`. */
  close(): Promise<void>;
  /** Persisted actors (sessions, breakers, background tasks). */
  actors: ActorStore;
  /** Accepted inbound messages. */
  inbox: InboxStore;
  /** Replies to deliver. */
  outbox: OutboxStore;
  /** Conversations with token usage. */
  transcript: TranscriptStore;
  /** Durable timers. */
  timers: TimerStore;
  /** Key/value facts about the install. */
  meta: MetaStore;
  /** DM pairing. */
  pairing: PairingStore;
  /** Cron jobs. */
  cron: CronStore;
  /** Leases with fencing tokens, for several gateway processes on one database. */
  leases: LeaseStore;
}
