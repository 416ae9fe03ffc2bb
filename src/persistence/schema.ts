/**
 * The kysely table types of the gateway database. Column types stay portable
 * between SQLite and PostgreSQL: epoch milliseconds are bigint-safe integers,
 * JSON documents are text, ids are integer identities.
 */
import type { Generated } from 'kysely';

/** `actors`: one persisted actor (session, background task, ...) per row. */
export interface ActorsTable {
  actor_id: string;
  kind: string;
  machine_version: number;
  /** Top-level state value, kept for queries. */
  state: string;
  /** The snapshot as JSON text. */
  snapshot: string;
  /** Epoch milliseconds. */
  updated_at: number;
}

/** `inbox`: accepted inbound messages, unique on (platform, platform_message_id). */
export interface InboxTable {
  id: Generated<number>;
  platform: string;
  platform_message_id: string;
  session_key: string;
  /** The `InboundMessage` as JSON text. */
  message: string;
  status: string;
  /** Epoch milliseconds. */
  received_at: number;
}

/** `outbox`: replies to deliver, unique on idempotency_key. */
export interface OutboxTable {
  id: Generated<number>;
  idempotency_key: string;
  platform: string;
  session_key: string;
  /** The `OutboundMessage` as JSON text. */
  message: string;
  status: string;
  attempts: number;
  platform_message_id: string | null;
  last_error: string | null;
  /** Epoch milliseconds. */
  created_at: number;
  /** Epoch milliseconds. */
  updated_at: number;
}

/** `transcript`: conversation entries with token usage. */
export interface TranscriptTable {
  id: Generated<number>;
  session_key: string;
  conversation_id: string;
  role: string;
  content: string;
  input_tokens: number;
  output_tokens: number;
  model: string | null;
  inbox_id: number | null;
  /** Epoch milliseconds. */
  created_at: number;
}

/** `timers`: durable timers, one per key. */
export interface TimersTable {
  key: string;
  actor_id: string;
  /** The event as JSON text. */
  event: string;
  /** Epoch milliseconds. */
  due_at: number;
}

/** `meta`: small key/value facts about the install. */
export interface MetaTable {
  key: string;
  value: string;
}

/** `pairing_requests`: pending DM pairing requests, one per (platform, user_id); codes only as salted hashes. */
export interface PairingRequestsTable {
  platform: string;
  user_id: string;
  user_name: string | null;
  chat_id: string;
  code_hash: string;
  salt: string;
  /** Epoch milliseconds. */
  created_at: number;
  /** Epoch milliseconds. */
  expires_at: number;
}

/** `pairing_approved`: users approved through pairing, one per (platform, user_id). */
export interface PairingApprovedTable {
  platform: string;
  user_id: string;
  user_name: string | null;
  /** Epoch milliseconds. */
  approved_at: number;
  /** 1 once the user was told they are approved, else 0. */
  notified: number;
}

/** `pairing_failures`: failed approvals and the lock-out, one row per platform. */
export interface PairingFailuresTable {
  platform: string;
  failures: number;
  /** Epoch milliseconds. */
  first_failed_at: number | null;
  /** Epoch milliseconds. */
  locked_until: number | null;
}

/** `cron_jobs`: scheduled agent prompts, one per id. */
export interface CronJobsTable {
  id: string;
  name: string;
  schedule: string;
  prompt: string;
  /** The `CronDeliverTarget` as JSON text. */
  deliver_to: string;
  missed_policy: string;
  status: string;
  /** Epoch milliseconds. */
  next_run_at: number | null;
  /** Epoch milliseconds. */
  last_run_at: number | null;
  last_status: string | null;
  last_error: string | null;
  /** Epoch milliseconds. */
  created_at: number;
  created_by: string;
  run_count: number;
}

/** `leases`: one row per lease name, kept after release so its fencing token never repeats. */
export interface LeasesTable {
  name: string;
  /** The holder, or null once released. */
  owner: string | null;
  /** The fencing token of the last grant. */
  token: number;
  /** Epoch milliseconds; the lease is free from then on. */
  expires_at: number;
}

/** Every table of the gateway database, as kysely sees it. */
export interface Database {
  actors: ActorsTable;
  inbox: InboxTable;
  outbox: OutboxTable;
  transcript: TranscriptTable;
  timers: TimersTable;
  meta: MetaTable;
  pairing_requests: PairingRequestsTable;
  pairing_approved: PairingApprovedTable;
  pairing_failures: PairingFailuresTable;
  cron_jobs: CronJobsTable;
  leases: LeasesTable;
}
