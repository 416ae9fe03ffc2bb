/**
 * DM pairing: a stranger who writes to the bot gets a one-time code; the owner
 * approves it with `hermes pairing approve <platform> <code>` and the stranger
 * becomes an approved user of that platform.
 *
 * Limits: codes live 1 hour; a platform holds at most 3 pending requests; a user
 * gets at most one code per 10 minutes (a later request replaces the earlier
 * code); 5 failed approvals within an hour lock the platform's approvals for 1 hour.
 * Only salted hashes of codes are stored, and no code is ever logged.
 */
import { decidePairingRequest } from '../persistence/pairing-store.ts';
import type { PairingStore } from '../persistence/store.ts';
import { type AccessLogger, SILENT_ACCESS_LOGGER } from './access-logger.ts';
import {
  cryptoRandomInt,
  DEFAULT_HASH_COST,
  generatePairingCode,
  hashPairingCode,
  isPairingCodeShape,
  normalizePairingCode,
  type RandomInt,
  verifyPairingCode,
} from './pairing-code.ts';
import { PairingError } from './pairing-error.ts';

/** How long a code can be approved (1 hour). */
export const PAIRING_CODE_TTL_MS = 3_600_000;

/** Most pending requests one platform holds. */
export const PAIRING_MAX_PENDING_PER_PLATFORM = 3;

/** One request per user per this interval (10 minutes). */
export const PAIRING_REQUEST_INTERVAL_MS = 600_000;

/** Failed approvals that lock a platform's approvals. */
export const PAIRING_MAX_FAILED_APPROVALS = 5;

/** How long a lock-out lasts, and the window failures are counted in (1 hour). */
export const PAIRING_LOCKOUT_MS = 3_600_000;

/** Expired requests are kept this long after expiry, so an owner is told "expired" rather than "wrong". */
const EXPIRED_KEPT_MS = PAIRING_CODE_TTL_MS;

/** What `Pairing` works with. */
export interface PairingDeps {
  /** Where requests, approved users and lock-outs live (`store.pairing`). */
  store: PairingStore;
  /** Clock in epoch milliseconds; defaults to `Date.now`. */
  now?: () => number;
  /** Source of code characters; defaults to `crypto.randomInt`. */
  randomInt?: RandomInt;
  log?: AccessLogger;
  /** scrypt cost of code hashes (default 16384); lower only in tests. */
  hashCost?: number;
}

/** What a pairing request gave. */
export type PairingRequestResult =
  /** A new code for the user (say it to them, never log or store it). */
  | { kind: 'code'; code: string; expiresAt: number }
  /** The user got a code less than 10 minutes ago; a new one can be asked for at `retryAt`. */
  | { kind: 'rate_limited'; retryAt: number }
  /** The platform already holds the most pending requests. */
  | { kind: 'too_many_pending'; pending: number };

/** Who an approval let in. */
export interface ApprovedPairing {
  platform: string;
  userId: string;
  userName: string | null;
  /** The DM the request came from. */
  chatId: string;
}

/** A pending request as `list()` shows it. */
export interface PendingPairing {
  platform: string;
  userId: string;
  userName: string | null;
  chatId: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Milliseconds since the request. */
  ageMs: number;
}

/** An approved user as `list()` shows it. */
export interface ApprovedUser {
  platform: string;
  userId: string;
  userName: string | null;
  /** Epoch milliseconds. */
  approvedAt: number;
}

/** What `list()` answers. */
export interface PairingOverview {
  /** Unexpired requests, oldest first. */
  pending: PendingPairing[];
  /** Approved users by platform, then approval time. */
  approved: ApprovedUser[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * DM pairing over a `PairingStore`.
 *
 * @example
 * const pairing = new Pairing({ store: store.pairing, log });
 * const result = await pairing.request('telegram', '42', 'Ada', '42');
 * if (result.kind === 'code') reply(`Pairing code: ${result.code}`);
 * // later, from `hermes pairing approve telegram <code>`:
 * await pairing.approve('telegram', code);
 */
export class Pairing {
  readonly #store: PairingStore;
  readonly #now: () => number;
  readonly #random: RandomInt;
  readonly #log: AccessLogger;
  readonly #hashCost: number;

  constructor(deps: PairingDeps) {
    this.#store = deps.store;
    this.#now = deps.now ?? Date.now;
    this.#random = deps.randomInt ?? cryptoRandomInt;
    this.#log = deps.log ?? SILENT_ACCESS_LOGGER;
    this.#hashCost = deps.hashCost ?? DEFAULT_HASH_COST;
  }

  /**
   * Asks for a code for a user who wrote from the DM `chatId`. A user with a
   * request older than 10 minutes gets a new code that replaces the old one.
   */
  async request(
    platform: string,
    userId: string,
    userName: string | undefined,
    chatId: string,
  ): Promise<PairingRequestResult> {
    const now = this.#now();
    const limits = {
      maxPendingPerPlatform: PAIRING_MAX_PENDING_PER_PLATFORM,
      minIntervalMs: PAIRING_REQUEST_INTERVAL_MS,
    };
    // A cheap check first, so a refused request costs no hashing and no write;
    // the store checks again atomically when it adds the request.
    const existing = await this.#store.listRequests(platform);
    if (existing.some((r) => r.expiresAt < now - EXPIRED_KEPT_MS)) {
      await this.#store.pruneRequests(now - EXPIRED_KEPT_MS);
    }
    const early = decidePairingRequest(
      { platform, userId, userName: null, chatId, codeHash: '', salt: '', createdAt: now, expiresAt: now },
      existing.find((r) => r.userId === userId)?.createdAt,
      existing.filter((r) => r.userId !== userId && r.expiresAt > now).length,
      limits,
    );
    const code = generatePairingCode(this.#random);
    const expiresAt = now + PAIRING_CODE_TTL_MS;
    const result =
      early.kind !== 'added'
        ? early
        : await this.#store.addRequest(
            {
              platform,
              userId,
              userName: userName ?? null,
              chatId,
              ...(await hashPairingCode(code, this.#hashCost)),
              createdAt: now,
              expiresAt,
            },
            limits,
          );
    switch (result.kind) {
      case 'added':
        this.#log.info(
          { platform, userId, userName, chatId, expiresAt: iso(expiresAt) },
          'pairing code issued; the owner approves it with hermes pairing approve',
        );
        return { kind: 'code', code, expiresAt };
      case 'rate_limited': {
        const retryAt = result.previousAt + PAIRING_REQUEST_INTERVAL_MS;
        this.#log.info(
          { platform, userId, retryAt: iso(retryAt) },
          'pairing request refused: one per 10 minutes',
        );
        return { kind: 'rate_limited', retryAt };
      }
      case 'too_many_pending':
        this.#log.warn(
          { platform, userId, pending: result.pending },
          'pairing request refused: too many pending requests on this platform',
        );
        return { kind: 'too_many_pending', pending: result.pending };
    }
  }

  /**
   * Approves the request whose code is `code` (surrounding spaces and case do not
   * matter) and returns who was let in.
   *
   * @throws PairingError `wrong_code` when no request of `platform` has that code
   *   (counted towards the lock-out), `expired` when its hour has passed, `locked`
   *   while approvals of `platform` are locked (until `lockedUntil`).
   */
  async approve(platform: string, code: string): Promise<ApprovedPairing> {
    const now = this.#now();
    await this.#refuseWhileLocked(platform, now);
    const typed = normalizePairingCode(code);
    const requests = isPairingCodeShape(typed) ? await this.#store.listRequests(platform) : [];
    for (const request of requests) {
      if (!(await verifyPairingCode(typed, request))) continue;
      if (request.expiresAt <= now) {
        const who = request.userName ?? request.userId;
        throw new PairingError(
          'expired',
          platform,
          `That pairing code for ${platform} expired at ${iso(request.expiresAt)}. ` +
            `Ask ${who} to send the bot a message for a new code.`,
          { userId: request.userId },
        );
      }
      const approved = await this.#store.approve(platform, request.userId, now);
      if (approved === undefined) {
        throw new PairingError(
          'wrong_code',
          platform,
          `That pairing request on ${platform} was approved or cleared meanwhile ("hermes pairing list" shows the current state).`,
          { userId: request.userId },
        );
      }
      await this.#store.resetFailures(platform);
      this.#log.info(
        { platform, userId: request.userId, userName: request.userName },
        'pairing approved: the user can talk to the agent',
      );
      return { platform, userId: request.userId, userName: request.userName, chatId: request.chatId };
    }
    return this.#fail(platform, now);
  }

  /** Unexpired pending requests (with their age) and approved users. */
  async list(): Promise<PairingOverview> {
    const now = this.#now();
    const [requests, approved] = await Promise.all([this.#store.listRequests(), this.#store.listApproved()]);
    return {
      pending: requests
        .filter((r) => r.expiresAt > now)
        .map((r) => ({
          platform: r.platform,
          userId: r.userId,
          userName: r.userName,
          chatId: r.chatId,
          createdAt: r.createdAt,
          expiresAt: r.expiresAt,
          ageMs: Math.max(0, now - r.createdAt),
        })),
      approved: approved.map((a) => ({
        platform: a.platform,
        userId: a.userId,
        userName: a.userName,
        approvedAt: a.approvedAt,
      })),
    };
  }

  /** Removes an approved user (and any request of theirs); false when there was nothing to remove. */
  async revoke(platform: string, userId: string): Promise<boolean> {
    const removed = await this.#store.revoke(platform, userId);
    if (removed)
      this.#log.info({ platform, userId }, 'pairing revoked: the user can no longer talk to the agent');
    return removed;
  }

  /** Drops every pending request (of one platform, or of all); returns how many. */
  async clearPending(platform?: string): Promise<number> {
    const count = await this.#store.clearRequests(platform);
    this.#log.info({ platform: platform ?? 'all', count }, 'pending pairing requests cleared');
    return count;
  }

  /** Whether the user was approved through pairing on `platform`. */
  async isApproved(platform: string, userId: string): Promise<boolean> {
    return (await this.#store.getApproved(platform, userId)) !== undefined;
  }

  /** True exactly once after the user was approved, so they are told on their next message. */
  takeApprovalNotice(platform: string, userId: string): Promise<boolean> {
    return this.#store.takeNotice(platform, userId);
  }

  /** Epoch milliseconds until which approvals of `platform` are locked, or undefined. */
  async lockedUntil(platform: string): Promise<number | undefined> {
    const lock = await this.#store.getLock(platform);
    return lock?.lockedUntil !== null && lock?.lockedUntil !== undefined && lock.lockedUntil > this.#now()
      ? lock.lockedUntil
      : undefined;
  }

  async #refuseWhileLocked(platform: string, now: number): Promise<void> {
    const lock = await this.#store.getLock(platform);
    if (lock?.lockedUntil == null || lock.lockedUntil <= now) return;
    this.#log.warn(
      { platform, lockedUntil: iso(lock.lockedUntil) },
      'pairing approval refused: approvals locked',
    );
    throw new PairingError(
      'locked',
      platform,
      `Approvals on ${platform} are locked until ${iso(lock.lockedUntil)} after ` +
        `${PAIRING_MAX_FAILED_APPROVALS} failed attempts. Try again after that time.`,
      { lockedUntil: lock.lockedUntil },
    );
  }

  async #fail(platform: string, now: number): Promise<never> {
    const state = await this.#store.recordFailure(platform, now, {
      maxFailures: PAIRING_MAX_FAILED_APPROVALS,
      windowMs: PAIRING_LOCKOUT_MS,
      lockMs: PAIRING_LOCKOUT_MS,
    });
    const wrong = `That code does not match any pending pairing request on ${platform}.`;
    if (state.lockedUntil !== null && state.lockedUntil > now) {
      this.#log.warn(
        { platform, lockedUntil: iso(state.lockedUntil) },
        'pairing approval failed: wrong code; approvals locked',
      );
      throw new PairingError(
        'locked',
        platform,
        `${wrong} After ${PAIRING_MAX_FAILED_APPROVALS} failed attempts, approvals on ${platform} ` +
          `are locked until ${iso(state.lockedUntil)}.`,
        { lockedUntil: state.lockedUntil },
      );
    }
    const attemptsLeft = PAIRING_MAX_FAILED_APPROVALS - state.failures;
    this.#log.warn({ platform, failures: state.failures }, 'pairing approval failed: wrong code');
    throw new PairingError(
      'wrong_code',
      platform,
      `${wrong} Check the platform and the code ("hermes pairing list" shows pending requests). ` +
        `${attemptsLeft} more failed attempt${attemptsLeft === 1 ? '' : 's'} lock approvals on ${platform} for 1 hour.`,
      { attemptsLeft },
    );
  }
}
