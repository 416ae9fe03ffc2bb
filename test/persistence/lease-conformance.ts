/**
 * The lease part of the store conformance suite: what a multi-instance
 * deployment relies on. `runStoreConformance()` runs it against every store;
 * when the implementation can open a second connection to the same database,
 * the owners also sit on different connections, as different processes would.
 */
import { describe, expect, it } from 'vitest';
import { LeaseError } from '../../src/persistence/lease-error.ts';
import type { Store } from '../../src/persistence/store.ts';
import { expectCoded, type ManualClock } from './store-conformance.ts';

/** What the lease tests get from the suite around them. */
export interface LeaseSuiteContext {
  /** The store of the current test, migrated. */
  store(): Store;
  /** The clock of the current test. */
  clock(): ManualClock;
  /** Opens another store on the current test's database (closed by the suite), when the implementation can. */
  connectAgain?: () => Promise<Store>;
}

const TTL = 30_000;
const LEASE = 'session:telegram:dm:42';

/** Defines the lease tests inside the current `describe`. */
export function describeLeaseConformance(ctx: LeaseSuiteContext): void {
  describe('leases', () => {
    it('grants a free lease with token 1 and shows its holder until it expires', async () => {
      const store = ctx.store();
      const t0 = ctx.clock().now();
      expect(await store.leases.holder(LEASE)).toBeUndefined();
      const grant = await store.leases.acquire(LEASE, 'gw-a', TTL);
      expect(grant).toEqual({ token: 1, expiresAt: t0 + TTL });
      expect(await store.leases.holder(LEASE)).toEqual({ owner: 'gw-a', token: 1, expiresAt: t0 + TTL });
      expect(await store.leases.isCurrent(LEASE, 1)).toBe(true);
      ctx.clock().set(t0 + TTL - 1);
      expect(await store.leases.isCurrent(LEASE, 1)).toBe(true);
      ctx.clock().set(t0 + TTL);
      expect(await store.leases.holder(LEASE)).toBeUndefined();
      expect(await store.leases.isCurrent(LEASE, 1)).toBe(false);
    });

    it('refuses a second owner while the lease is held, up to its last millisecond', async () => {
      const store = ctx.store();
      const t0 = ctx.clock().now();
      await store.leases.acquire(LEASE, 'gw-a', TTL);
      expect(await store.leases.acquire(LEASE, 'gw-b', TTL)).toBeUndefined();
      ctx.clock().set(t0 + TTL - 1);
      expect(await store.leases.acquire(LEASE, 'gw-b', TTL)).toBeUndefined();
      expect((await store.leases.holder(LEASE))?.owner).toBe('gw-a');
    });

    it('lets the holder acquire again: same token, later expiry', async () => {
      const store = ctx.store();
      const t0 = ctx.clock().now();
      const first = await store.leases.acquire(LEASE, 'gw-a', TTL);
      ctx.clock().set(t0 + 10_000);
      const again = await store.leases.acquire(LEASE, 'gw-a', TTL);
      expect(again).toEqual({ token: first!.token, expiresAt: t0 + 10_000 + TTL });
      ctx.clock().set(t0 + TTL + 1);
      expect(await store.leases.acquire(LEASE, 'gw-b', TTL)).toBeUndefined();
    });

    it('hands an expired lease to a new owner with a higher token; the old token is stale', async () => {
      const store = ctx.store();
      const t0 = ctx.clock().now();
      const a = await store.leases.acquire(LEASE, 'gw-a', TTL);
      ctx.clock().set(t0 + TTL);
      const b = await store.leases.acquire(LEASE, 'gw-b', TTL);
      expect(b).toEqual({ token: a!.token + 1, expiresAt: t0 + 2 * TTL });
      expect(await store.leases.isCurrent(LEASE, a!.token)).toBe(false);
      expect(await store.leases.isCurrent(LEASE, b!.token)).toBe(true);
      expect(await store.leases.renew(LEASE, 'gw-a', a!.token, TTL)).toBe(false);
      expect(await store.leases.acquire(LEASE, 'gw-a', TTL)).toBeUndefined();
      expect(await store.leases.holder(LEASE)).toEqual({
        owner: 'gw-b',
        token: b!.token,
        expiresAt: t0 + 2 * TTL,
      });
    });

    it("renews the holder's lease from now, keeping its token", async () => {
      const store = ctx.store();
      const t0 = ctx.clock().now();
      const a = await store.leases.acquire(LEASE, 'gw-a', TTL);
      ctx.clock().set(t0 + 20_000);
      expect(await store.leases.renew(LEASE, 'gw-a', a!.token, TTL)).toBe(true);
      ctx.clock().set(t0 + TTL + 5_000);
      expect(await store.leases.acquire(LEASE, 'gw-b', TTL)).toBeUndefined();
      expect(await store.leases.holder(LEASE)).toEqual({
        owner: 'gw-a',
        token: a!.token,
        expiresAt: t0 + 20_000 + TTL,
      });
    });

    it('refuses to renew for another owner, with another token, or after expiry even when nobody took it', async () => {
      const store = ctx.store();
      const t0 = ctx.clock().now();
      const a = await store.leases.acquire(LEASE, 'gw-a', TTL);
      expect(await store.leases.renew(LEASE, 'gw-b', a!.token, TTL)).toBe(false);
      expect(await store.leases.renew(LEASE, 'gw-a', a!.token + 1, TTL)).toBe(false);
      expect(await store.leases.renew('session:other', 'gw-a', a!.token, TTL)).toBe(false);
      ctx.clock().set(t0 + TTL);
      expect(await store.leases.renew(LEASE, 'gw-a', a!.token, TTL)).toBe(false);
      const again = await store.leases.acquire(LEASE, 'gw-a', TTL);
      expect(again?.token).toBe(a!.token + 1);
      expect(await store.leases.isCurrent(LEASE, a!.token)).toBe(false);
    });

    it('frees a released lease at once for the next owner, with a higher token', async () => {
      const store = ctx.store();
      const a = await store.leases.acquire(LEASE, 'gw-a', TTL);
      expect(await store.leases.release(LEASE, 'gw-a', a!.token)).toBe(true);
      expect(await store.leases.holder(LEASE)).toBeUndefined();
      expect(await store.leases.isCurrent(LEASE, a!.token)).toBe(false);
      expect(await store.leases.renew(LEASE, 'gw-a', a!.token, TTL)).toBe(false);
      const b = await store.leases.acquire(LEASE, 'gw-b', TTL);
      expect(b?.token).toBe(a!.token + 1);
      const a2 = await store.leases.acquire('session:other', 'gw-a', TTL);
      expect(await store.leases.release('session:other', 'gw-a', a2!.token)).toBe(true);
      expect((await store.leases.acquire('session:other', 'gw-a', TTL))?.token).toBe(a2!.token + 1);
    });

    it('ignores a release by a stale token, another owner or a second time', async () => {
      const store = ctx.store();
      const t0 = ctx.clock().now();
      const a = await store.leases.acquire(LEASE, 'gw-a', TTL);
      ctx.clock().set(t0 + TTL);
      const b = await store.leases.acquire(LEASE, 'gw-b', TTL);
      expect(await store.leases.release(LEASE, 'gw-a', a!.token)).toBe(false);
      expect(await store.leases.release(LEASE, 'gw-a', b!.token)).toBe(false);
      expect(await store.leases.holder(LEASE)).toMatchObject({ owner: 'gw-b', token: b!.token });
      expect(await store.leases.release(LEASE, 'gw-b', b!.token)).toBe(true);
      expect(await store.leases.release(LEASE, 'gw-b', b!.token)).toBe(false);
    });

    it('gives a lease to exactly one of several owners asking in the same tick', async () => {
      const store = ctx.store();
      const owners = ['gw-a', 'gw-b', 'gw-c', 'gw-d'];
      const grants = await Promise.all(owners.map((owner) => store.leases.acquire(LEASE, owner, TTL)));
      const winners = owners.filter((_, i) => grants[i] !== undefined);
      expect(winners).toHaveLength(1);
      expect(await store.leases.holder(LEASE)).toMatchObject({ owner: winners[0], token: 1 });
    });

    it('gives an expired lease to exactly one of several owners asking in the same tick', async () => {
      const store = ctx.store();
      await store.leases.acquire(LEASE, 'gw-a', TTL);
      ctx.clock().set(ctx.clock().now() + TTL);
      const owners = ['gw-b', 'gw-c', 'gw-d'];
      const grants = await Promise.all(owners.map((owner) => store.leases.acquire(LEASE, owner, TTL)));
      expect(grants.filter((g) => g !== undefined)).toEqual([
        { token: 2, expiresAt: ctx.clock().now() + TTL },
      ]);
    });

    it('keeps tokens per lease name, never repeating one', async () => {
      const store = ctx.store();
      const seen: number[] = [];
      for (const owner of ['gw-a', 'gw-b', 'gw-a', 'gw-c']) {
        const grant = await store.leases.acquire(LEASE, owner, TTL);
        seen.push(grant!.token);
        await store.leases.release(LEASE, owner, grant!.token);
      }
      expect(seen).toEqual([1, 2, 3, 4]);
      expect((await store.leases.acquire('breaker:telegram:leader', 'gw-a', TTL))?.token).toBe(1);
      expect(await store.leases.isCurrent('breaker:telegram:leader', 1)).toBe(true);
      expect(await store.leases.isCurrent(LEASE, 1)).toBe(false);
    });

    it('refuses unusable arguments with LeaseError before writing anything', async () => {
      const store = ctx.store();
      const refused = async (call: Promise<unknown>, argument: string) => {
        const error = await expectCoded(call, 'GATEWAY_ERR_LEASE');
        expect(error).toBeInstanceOf(LeaseError);
        expect((error as LeaseError).argument).toBe(argument);
      };
      await refused(store.leases.acquire(LEASE, 'gw-a', 0), 'ttlMs');
      await refused(store.leases.acquire(LEASE, 'gw-a', 1.5), 'ttlMs');
      await refused(store.leases.acquire(LEASE, 'gw-a', Number.NaN), 'ttlMs');
      await refused(store.leases.acquire(LEASE, '', TTL), 'owner');
      await refused(store.leases.acquire('', 'gw-a', TTL), 'name');
      await refused(store.leases.renew(LEASE, 'gw-a', 0, TTL), 'token');
      await refused(store.leases.renew(LEASE, 'gw-a', 1, -1), 'ttlMs');
      await refused(store.leases.release(LEASE, 'gw-a', -3), 'token');
      await refused(store.leases.isCurrent(LEASE, 0), 'token');
      await refused(store.leases.holder(''), 'name');
      expect(await store.leases.holder(LEASE)).toBeUndefined();
      expect((await store.leases.acquire(LEASE, 'gw-a', TTL))?.token).toBe(1);
    });

    it('refuses lease calls after close with GATEWAY_ERR_STORE', async () => {
      const store = ctx.store();
      await store.close();
      await expectCoded(store.leases.acquire(LEASE, 'gw-a', TTL), 'GATEWAY_ERR_STORE');
      await expectCoded(store.leases.holder(LEASE), 'GATEWAY_ERR_STORE');
    });

    const connectAgain = ctx.connectAgain;
    if (connectAgain === undefined) return;

    describe('across two connections to one database', () => {
      it('lets one process hold the lease, the other take it over only after expiry, and fences the first', async () => {
        const a = ctx.store();
        const b = await connectAgain();
        const t0 = ctx.clock().now();
        const grantA = await a.leases.acquire(LEASE, 'gw-a', TTL);
        expect(await b.leases.acquire(LEASE, 'gw-b', TTL)).toBeUndefined();
        expect(await b.leases.holder(LEASE)).toEqual({
          owner: 'gw-a',
          token: grantA!.token,
          expiresAt: t0 + TTL,
        });

        ctx.clock().set(t0 + TTL);
        const grantB = await b.leases.acquire(LEASE, 'gw-b', TTL);
        expect(grantB?.token).toBe(grantA!.token + 1);
        expect(await a.leases.renew(LEASE, 'gw-a', grantA!.token, TTL)).toBe(false);
        expect(await a.leases.isCurrent(LEASE, grantA!.token)).toBe(false);
        expect(await a.leases.release(LEASE, 'gw-a', grantA!.token)).toBe(false);
        expect(await a.leases.holder(LEASE)).toMatchObject({ owner: 'gw-b', token: grantB!.token });
      });

      it('gives the lease to exactly one of two processes asking in the same tick', async () => {
        const a = ctx.store();
        const b = await connectAgain();
        const grants = await Promise.all([
          a.leases.acquire(LEASE, 'gw-a', TTL),
          b.leases.acquire(LEASE, 'gw-b', TTL),
        ]);
        expect(grants.filter((g) => g !== undefined)).toHaveLength(1);
        const holder = await b.leases.holder(LEASE);
        expect(holder?.owner).toBe(grants[0] ? 'gw-a' : 'gw-b');
      });
    });
  });
}
