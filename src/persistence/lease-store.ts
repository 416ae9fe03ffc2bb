/**
 * Leases with fencing tokens on SQL: one row per lease name, kept after
 * release so the token only ever grows. Every change is a conditional UPDATE
 * (compare-and-set on what was read), so the rules hold under PostgreSQL's
 * read-committed transactions as well as under SQLite's single writer.
 */
import { LeaseError } from './lease-error.ts';
import { readQuery, type SqlContext } from './sql-context.ts';
import type { LeaseGrant, LeaseHolder, LeaseStore } from './store.ts';

/** Refuses an empty lease name. */
function checkName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '') {
    throw new LeaseError(String(name), 'name', name, 'a non-empty string');
  }
}

/** Refuses an empty owner. */
function checkOwner(name: string, owner: unknown): asserts owner is string {
  if (typeof owner !== 'string' || owner === '') {
    throw new LeaseError(name, 'owner', owner, 'a non-empty string');
  }
}

/** Refuses a ttl or token that is not a positive whole number. */
function checkPositive(name: string, argument: 'ttlMs' | 'token', value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new LeaseError(
      name,
      argument,
      value,
      argument === 'ttlMs' ? 'a positive whole number of milliseconds' : 'a positive whole number',
    );
  }
}

/** `LeaseStore` on kysely: changes through the batcher, checks straight from the database. */
export class SqlLeaseStore implements LeaseStore {
  readonly #ctx: SqlContext;

  /** @param ctx - database, batcher and clock */
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  /** Grants a free, expired or released lease with the next token, or extends the owner's own grant. */
  async acquire(name: string, owner: string, ttlMs: number): Promise<LeaseGrant | undefined> {
    checkName(name);
    checkOwner(name, owner);
    checkPositive(name, 'ttlMs', ttlMs);
    return this.#ctx.batcher.enqueue(async (trx) => {
      const now = this.#ctx.now();
      const expiresAt = now + ttlMs;
      const row = await trx.selectFrom('leases').selectAll().where('name', '=', name).executeTakeFirst();
      if (row === undefined) {
        const inserted = await trx
          .insertInto('leases')
          .values({ name, owner, token: 1, expires_at: expiresAt })
          .onConflict((oc) => oc.column('name').doNothing())
          .returning('token')
          .executeTakeFirst();
        // Another process created the lease between the read and the insert: it holds it.
        return inserted === undefined ? undefined : { token: 1, expiresAt };
      }
      const held = row.owner !== null && Number(row.expires_at) > now;
      if (held && row.owner !== owner) return undefined;
      const token = held ? Number(row.token) : Number(row.token) + 1;
      const result = await trx
        .updateTable('leases')
        .set({ owner, token, expires_at: expiresAt })
        .where('name', '=', name)
        .where('token', '=', row.token)
        .where('expires_at', '=', row.expires_at)
        .executeTakeFirst();
      // A changed row means another process took or renewed the lease since the read.
      return Number(result.numUpdatedRows) > 0 ? { token, expiresAt } : undefined;
    });
  }

  /** Extends the lease when `owner` holds it with `token` and it has not expired. */
  async renew(name: string, owner: string, token: number, ttlMs: number): Promise<boolean> {
    checkName(name);
    checkOwner(name, owner);
    checkPositive(name, 'token', token);
    checkPositive(name, 'ttlMs', ttlMs);
    return this.#ctx.batcher.enqueue(async (trx) => {
      const now = this.#ctx.now();
      const result = await trx
        .updateTable('leases')
        .set({ expires_at: now + ttlMs })
        .where('name', '=', name)
        .where('owner', '=', owner)
        .where('token', '=', token)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    });
  }

  /** Frees the lease when `owner` holds it with `token` and it has not expired; the token stays for the next grant to exceed. */
  async release(name: string, owner: string, token: number): Promise<boolean> {
    checkName(name);
    checkOwner(name, owner);
    checkPositive(name, 'token', token);
    return this.#ctx.batcher.enqueue(async (trx) => {
      const now = this.#ctx.now();
      const result = await trx
        .updateTable('leases')
        .set({ owner: null, expires_at: now })
        .where('name', '=', name)
        .where('owner', '=', owner)
        .where('token', '=', token)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    });
  }

  /** Whether `token` belongs to the lease's unexpired, unreleased grant. */
  async isCurrent(name: string, token: number): Promise<boolean> {
    checkName(name);
    checkPositive(name, 'token', token);
    return (await this.holder(name))?.token === token;
  }

  /** The unexpired, unreleased grant of the lease, or undefined. */
  async holder(name: string): Promise<LeaseHolder | undefined> {
    checkName(name);
    const now = this.#ctx.now();
    const row = await readQuery(this.#ctx, `lease ${name}`, () =>
      this.#ctx.db
        .selectFrom('leases')
        .selectAll()
        .where('name', '=', name)
        .where('owner', 'is not', null)
        .where('expires_at', '>', now)
        .executeTakeFirst(),
    );
    if (row === undefined || row.owner === null) return undefined;
    return { owner: row.owner, token: Number(row.token), expiresAt: Number(row.expires_at) };
  }
}
