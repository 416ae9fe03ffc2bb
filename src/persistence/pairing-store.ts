/**
 * DM pairing on SQL: pending requests (codes only as salted hashes), approved
 * users and per-platform approval lock-outs. The rules that decide a request
 * or a failed approval are pure functions here (the access layer checks a
 * request early with the same rule).
 */
import type { Selectable } from 'kysely';
import type { PairingApprovedTable, PairingFailuresTable, PairingRequestsTable } from './schema.ts';
import { readQuery, type SqlContext } from './sql-context.ts';
import type {
  AddPairingRequestResult,
  ApprovedUserRow,
  PairingFailurePolicy,
  PairingLockRow,
  PairingRequestLimits,
  PairingRequestRow,
  PairingStore,
} from './store.ts';

/**
 * Decides a new pairing request against the user's previous request and the
 * platform's pending count (requests of other users that have not expired).
 *
 * @param previousAt - creation time of the user's previous request, if any
 * @param othersPending - unexpired requests of other users on the platform
 */
export function decidePairingRequest(
  row: PairingRequestRow,
  previousAt: number | undefined,
  othersPending: number,
  limits: PairingRequestLimits,
): AddPairingRequestResult {
  if (previousAt !== undefined && row.createdAt - previousAt < limits.minIntervalMs) {
    return { kind: 'rate_limited', previousAt };
  }
  if (othersPending >= limits.maxPendingPerPlatform)
    return { kind: 'too_many_pending', pending: othersPending };
  return { kind: 'added' };
}

/**
 * The failure state after one more failed approval at `at`: an ended lock-out
 * and failures older than the window are forgotten; reaching the limit locks
 * the platform for `lockMs` and starts a fresh count.
 */
function nextPairingFailureState(
  current: PairingLockRow | undefined,
  at: number,
  policy: PairingFailurePolicy,
): PairingLockRow {
  const platform = current?.platform ?? '';
  let failures = current?.failures ?? 0;
  let firstFailedAt = current?.firstFailedAt ?? null;
  let lockedUntil = current?.lockedUntil ?? null;
  if (lockedUntil !== null && lockedUntil <= at) lockedUntil = null;
  if (firstFailedAt === null || at - firstFailedAt >= policy.windowMs) {
    failures = 0;
    firstFailedAt = at;
  }
  failures += 1;
  if (failures >= policy.maxFailures) {
    return { platform, failures: 0, firstFailedAt: null, lockedUntil: at + policy.lockMs };
  }
  return { platform, failures, firstFailedAt, lockedUntil };
}

function toRequestRow(row: Selectable<PairingRequestsTable>): PairingRequestRow {
  return {
    platform: row.platform,
    userId: row.user_id,
    userName: row.user_name,
    chatId: row.chat_id,
    codeHash: row.code_hash,
    salt: row.salt,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}

function toApprovedRow(row: Selectable<PairingApprovedTable>): ApprovedUserRow {
  return {
    platform: row.platform,
    userId: row.user_id,
    userName: row.user_name,
    approvedAt: Number(row.approved_at),
    notified: Number(row.notified) !== 0,
  };
}

function toLockRow(row: Selectable<PairingFailuresTable>): PairingLockRow {
  return {
    platform: row.platform,
    failures: Number(row.failures),
    firstFailedAt: row.first_failed_at === null ? null : Number(row.first_failed_at),
    lockedUntil: row.locked_until === null ? null : Number(row.locked_until),
  };
}

/** `PairingStore` on kysely: writes (and their checks) through the batcher, reads straight from the database. */
export class SqlPairingStore implements PairingStore {
  readonly #ctx: SqlContext;

  /** @param ctx - database, batcher and clock */
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  /** Adds (or replaces) the user's request unless the limits refuse it, in one transaction. */
  async addRequest(row: PairingRequestRow, limits: PairingRequestLimits): Promise<AddPairingRequestResult> {
    return this.#ctx.batcher.enqueue(async (trx) => {
      const previous = await trx
        .selectFrom('pairing_requests')
        .select('created_at')
        .where('platform', '=', row.platform)
        .where('user_id', '=', row.userId)
        .executeTakeFirst();
      const others = await trx
        .selectFrom('pairing_requests')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('platform', '=', row.platform)
        .where('user_id', '!=', row.userId)
        .where('expires_at', '>', row.createdAt)
        .executeTakeFirstOrThrow();
      const decision = decidePairingRequest(
        row,
        previous === undefined ? undefined : Number(previous.created_at),
        Number(others.n),
        limits,
      );
      if (decision.kind !== 'added') return decision;
      const values = {
        user_name: row.userName,
        chat_id: row.chatId,
        code_hash: row.codeHash,
        salt: row.salt,
        created_at: row.createdAt,
        expires_at: row.expiresAt,
      };
      await trx
        .insertInto('pairing_requests')
        .values({ platform: row.platform, user_id: row.userId, ...values })
        .onConflict((oc) => oc.columns(['platform', 'user_id']).doUpdateSet(values))
        .execute();
      return decision;
    });
  }

  /** Requests of one platform or all (expired ones too), oldest first. */
  async listRequests(platform?: string): Promise<PairingRequestRow[]> {
    const rows = await readQuery(this.#ctx, 'pairing requests', () => {
      let query = this.#ctx.db.selectFrom('pairing_requests').selectAll();
      if (platform !== undefined) query = query.where('platform', '=', platform);
      return query.orderBy('created_at').orderBy('platform').orderBy('user_id').execute();
    });
    return rows.map(toRequestRow);
  }

  /** Removes requests that expired before `before`. */
  async pruneRequests(before: number): Promise<number> {
    return this.#ctx.batcher.enqueue(async (trx) => {
      const result = await trx
        .deleteFrom('pairing_requests')
        .where('expires_at', '<', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  /** Removes every request of one platform or of all. */
  async clearRequests(platform?: string): Promise<number> {
    return this.#ctx.batcher.enqueue(async (trx) => {
      let query = trx.deleteFrom('pairing_requests');
      if (platform !== undefined) query = query.where('platform', '=', platform);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  /** Moves the user's request to the approved users. */
  async approve(platform: string, userId: string, approvedAt: number): Promise<ApprovedUserRow | undefined> {
    return this.#ctx.batcher.enqueue(async (trx) => {
      const request = await trx
        .selectFrom('pairing_requests')
        .select('user_name')
        .where('platform', '=', platform)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (request === undefined) return undefined;
      await trx
        .deleteFrom('pairing_requests')
        .where('platform', '=', platform)
        .where('user_id', '=', userId)
        .execute();
      const values = { user_name: request.user_name, approved_at: approvedAt, notified: 0 };
      await trx
        .insertInto('pairing_approved')
        .values({ platform, user_id: userId, ...values })
        .onConflict((oc) => oc.columns(['platform', 'user_id']).doUpdateSet(values))
        .execute();
      return { platform, userId, userName: request.user_name, approvedAt, notified: false };
    });
  }

  /** The approved user, or undefined. */
  async getApproved(platform: string, userId: string): Promise<ApprovedUserRow | undefined> {
    const row = await readQuery(this.#ctx, `approved user ${userId} of ${platform}`, () =>
      this.#ctx.db
        .selectFrom('pairing_approved')
        .selectAll()
        .where('platform', '=', platform)
        .where('user_id', '=', userId)
        .executeTakeFirst(),
    );
    return row === undefined ? undefined : toApprovedRow(row);
  }

  /** Every approved user, by platform then approval time. */
  async listApproved(): Promise<ApprovedUserRow[]> {
    const rows = await readQuery(this.#ctx, 'approved users', () =>
      this.#ctx.db
        .selectFrom('pairing_approved')
        .selectAll()
        .orderBy('platform')
        .orderBy('approved_at')
        .orderBy('user_id')
        .execute(),
    );
    return rows.map(toApprovedRow);
  }

  /** Removes the approved user and any request of theirs. */
  async revoke(platform: string, userId: string): Promise<boolean> {
    return this.#ctx.batcher.enqueue(async (trx) => {
      const approved = await trx
        .deleteFrom('pairing_approved')
        .where('platform', '=', platform)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      const pending = await trx
        .deleteFrom('pairing_requests')
        .where('platform', '=', platform)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(approved.numDeletedRows) + Number(pending.numDeletedRows) > 0;
    });
  }

  /** Marks the approved user notified; true only for the call that changed it. */
  async takeNotice(platform: string, userId: string): Promise<boolean> {
    return this.#ctx.batcher.enqueue(async (trx) => {
      const result = await trx
        .updateTable('pairing_approved')
        .set({ notified: 1 })
        .where('platform', '=', platform)
        .where('user_id', '=', userId)
        .where('notified', '=', 0)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    });
  }

  /** The platform's failures and lock-out, or undefined when it never failed. */
  async getLock(platform: string): Promise<PairingLockRow | undefined> {
    const row = await readQuery(this.#ctx, `pairing failures of ${platform}`, () =>
      this.#ctx.db
        .selectFrom('pairing_failures')
        .selectAll()
        .where('platform', '=', platform)
        .executeTakeFirst(),
    );
    return row === undefined ? undefined : toLockRow(row);
  }

  /** Counts one failed approval (read and write in one transaction). */
  async recordFailure(platform: string, at: number, policy: PairingFailurePolicy): Promise<PairingLockRow> {
    return this.#ctx.batcher.enqueue(async (trx) => {
      const row = await trx
        .selectFrom('pairing_failures')
        .selectAll()
        .where('platform', '=', platform)
        .executeTakeFirst();
      const next = { ...nextPairingFailureState(row && toLockRow(row), at, policy), platform };
      const values = {
        failures: next.failures,
        first_failed_at: next.firstFailedAt,
        locked_until: next.lockedUntil,
      };
      await trx
        .insertInto('pairing_failures')
        .values({ platform, ...values })
        .onConflict((oc) => oc.column('platform').doUpdateSet(values))
        .execute();
      return next;
    });
  }

  /** Forgets the platform's failures. */
  async resetFailures(platform: string): Promise<void> {
    await this.#ctx.batcher.enqueue(async (trx) => {
      await trx.deleteFrom('pairing_failures').where('platform', '=', platform).execute();
    });
  }
}
