/**
 * The store seam: everything the gateway persists, behind one small interface
 * (as grammY's StorageAdapter: read, write, delete, plus the few queries we need).
 * `createSqliteStore()` is the embedded default; other dialects implement the
 * same interface and run the same conformance suite.
 *
 * Writes are group-committed: every write call made in the same tick lands in
 * one transaction, and its promise resolves only after that transaction
 * committed. A caller that needs durability awaits the write.
 */
import type { ChatType, InboundMessage, OutboundMessage } from '../adapters/contract.ts';

/** One persisted actor (session, background task, ...): one row each. */
export interface ActorRow {
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
  id: number;
  platform: string;
  platformMessageId: string;
  sessionKey: string;
  message: InboundMessage;
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
  id: number;
  idempotencyKey: string;
  platform: string;
  sessionKey: string;
  message: OutboundMessage;
  status: OutboxStatus;
  attempts: number;
  platformMessageId: string | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

/** One transcript entry (a user message, an assistant answer or a tool result). */
export interface TranscriptEntry {
  id: number;
  /** Chat-level session key (routes messages to the session actor). */
  sessionKey: string;
  /** One conversation of that session (a new one starts on reset). */
  conversationId: string;
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  inputTokens: number;
  outputTokens: number;
  model: string | null;
  /** The inbox row this entry came from or answers. */
  inboxId: number | null;
  createdAt: number;
}

/** A durable timer: at `dueAt` the scheduler delivers `event` to `actorId`. */
export interface TimerRow {
  /** Unique key; setting a timer with an existing key replaces it. */
  key: string;
  actorId: string;
  event: { type: string; [k: string]: unknown };
  /** Epoch milliseconds. */
  dueAt: number;
}

/** Actor rows. */
export interface ActorStore {
  save(row: Omit<ActorRow, 'updatedAt'> & { updatedAt?: number }): Promise<void>;
  load(actorId: string): Promise<ActorRow | undefined>;
  /** Rows of a kind, optionally only those whose top-level state is one of `states`. */
  list(kind: string, states?: string[]): Promise<ActorRow[]>;
  delete(actorId: string): Promise<void>;
}

/** The durable inbox, deduplicated on (platform, platformMessageId). */
export interface InboxStore {
  /** Accepts a message; resolves after commit. A repeat of (platform, platformMessageId) gives the first row's id and `duplicate: true`. */
  accept(message: InboundMessage, sessionKey: string): Promise<{ id: number; duplicate: boolean }>;
  setStatus(ids: number[], status: InboxStatus): Promise<void>;
  get(id: number): Promise<InboxRow | undefined>;
  listByStatus(status: InboxStatus): Promise<InboxRow[]>;
}

/** The durable outbox. */
export interface OutboxStore {
  /** Adds a pending reply. The same idempotency key twice keeps the first row (and returns its id). */
  enqueue(platform: string, message: OutboundMessage): Promise<number>;
  get(id: number): Promise<OutboxRow | undefined>;
  /** Marks a row `sending` and counts the attempt; resolves after commit, before the send starts. */
  markSending(id: number): Promise<void>;
  markSent(id: number, platformMessageId?: string): Promise<void>;
  /** Back to `pending` after a retryable failure. */
  markRetry(id: number, error: string): Promise<void>;
  markFailed(id: number, error: string): Promise<void>;
  markUnknown(id: number, error?: string): Promise<void>;
  /** Rows in one of `statuses`, oldest first, optionally of one platform and one session. */
  listByStatus(statuses: OutboxStatus[], platform?: string, sessionKey?: string): Promise<OutboxRow[]>;
  /**
   * At start: every `sending` row becomes `unknown_after_send` (the crash hid the outcome), and a
   * streamed reply whose final text was committed becomes `pending`. Returns how many were unknown.
   */
  recoverInFlight(): Promise<number>;
  /**
   * A run of the session starts. With `adoptAs`, the session's newest draft stream (left by a run a
   * restart cut off) is taken over under that idempotency key and its streamed message id returned;
   * every other draft of the session is closed as `sent` (its partial text is what the user has).
   */
  beginStream(sessionKey: string, adoptAs?: string): Promise<string | undefined>;
  /**
   * Writes a streamed reply by its idempotency key: inserted when new; when the row is still
   * `streaming`, its message and status are replaced (a streamed message id already recorded is
   * kept). A row past `streaming` is left as it is.
   */
  saveStream(platform: string, message: OutboundMessage, status: 'streaming' | 'pending'): Promise<void>;
}

/** The conversation transcript with token usage. */
export interface TranscriptStore {
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
  turns: number;
  inputTokens: number;
  outputTokens: number;
}

/** What `TranscriptStore.summary` answers; the breakdowns are ordered by tokens, most first, then by name. */
export interface TranscriptSummary extends UsageTotals {
  /** By platform: the session key up to its first colon (`telegram` of `telegram:dm:42`). */
  byPlatform: (UsageTotals & { platform: string })[];
  /** By the model that answered (null when the backend did not say); only models with turns or tokens. */
  byModel: (UsageTotals & { model: string | null })[];
}

/** Durable timers. */
export interface TimerStore {
  set(timer: TimerRow): Promise<void>;
  cancel(key: string): Promise<void>;
  list(): Promise<TimerRow[]>;
}

/** Small key/value facts about the install (clean-shutdown marker, boot times). */
export interface MetaStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * A pending DM pairing request: one per (platform, user). Only a salted hash of
 * the code is kept, never the code itself.
 */
export interface PairingRequestRow {
  platform: string;
  userId: string;
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
  platform: string;
  userId: string;
  userName: string | null;
  /** Epoch milliseconds. */
  approvedAt: number;
  /** Whether the user has been told they were approved. */
  notified: boolean;
}

/** Failed approvals of one platform and its lock-out. */
export interface PairingLockRow {
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

/** What `PairingStore.addRequest` did. */
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
  getApproved(platform: string, userId: string): Promise<ApprovedUserRow | undefined>;
  /** Approved users of every platform, by platform then approval time. */
  listApproved(): Promise<ApprovedUserRow[]>;
  /** Removes an approved user and any request of theirs; true when something was removed. */
  revoke(platform: string, userId: string): Promise<boolean>;
  /** Marks the approved user notified; true only for the call that changed it. */
  takeNotice(platform: string, userId: string): Promise<boolean>;
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
  name: string;
  /** The schedule as the user wrote it (`0 9 * * *`, `every 2h`, `30m`, an ISO time). */
  schedule: string;
  prompt: string;
  deliverTo: CronDeliverTarget;
  missedPolicy: CronMissedPolicy;
  status: CronJobStatus;
  /** Epoch milliseconds of the next run, or null when none is scheduled. */
  nextRunAt: number | null;
  /** Epoch milliseconds the last run started, or null before the first. */
  lastRunAt: number | null;
  lastStatus: 'ok' | 'failed' | null;
  lastError: string | null;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Session key of the chat that created it, or `cli`. */
  createdBy: string;
  runCount: number;
}

/** The fields of a cron job `CronStore.update` may change. */
export type CronJobChanges = Partial<Omit<CronJobRow, 'id' | 'createdAt' | 'createdBy'>>;

/** Cron jobs. */
export interface CronStore {
  /** Adds a job; a job with the same id already there is refused with `GATEWAY_ERR_STORE`. */
  create(job: CronJobRow): Promise<void>;
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

/** Everything the gateway persists. */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres' | 'memory';
  /** Creates or upgrades the schema. */
  migrate(): Promise<void>;
  /** Commits pending writes now. */
  flush(): Promise<void>;
  /** Flushes and closes. */
  close(): Promise<void>;
  actors: ActorStore;
  inbox: InboxStore;
  outbox: OutboxStore;
  transcript: TranscriptStore;
  timers: TimerStore;
  meta: MetaStore;
  pairing: PairingStore;
  cron: CronStore;
}
