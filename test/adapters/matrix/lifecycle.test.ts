/**
 * Start and stop: only endpoints a homeserver really has are used, a room the
 * bot is already in stays joined whatever the invite policy, and `stop()` ends
 * the /sync loop and leaves no timers behind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MatrixAdapter } from '../../../src/adapters/matrix/matrix-adapter.ts';
import { type FakeHomeserver, startFakeHomeserver } from './fake-homeserver.ts';
import { createMatrixWorld, type MatrixWorld, testContext } from './matrix-world.ts';

/**
 * Records the timers and intervals created while `fn` runs that are still
 * pending afterwards, with the stack that created them.
 */
async function pendingTimersAfter(fn: () => Promise<void>): Promise<string[]> {
  const live = new Map<unknown, string>();
  const g = globalThis as unknown as Record<string, (...args: unknown[]) => unknown>;
  const originals = {
    ...g,
    setTimeout: g.setTimeout,
    clearTimeout: g.clearTimeout,
    setInterval: g.setInterval,
    clearInterval: g.clearInterval,
  } as Record<string, (...args: unknown[]) => unknown>;
  const track =
    (name: 'setTimeout' | 'setInterval') =>
    (callback: unknown, ms?: unknown, ...rest: unknown[]) => {
      const wrapped = (...args: unknown[]) => {
        if (name === 'setTimeout') live.delete(handle);
        (callback as (...a: unknown[]) => void)(...args);
      };
      const handle = (originals[name] as (...a: unknown[]) => unknown)(wrapped, ms, ...rest);
      live.set(handle, `${name}(${String(ms)}) ${new Error().stack?.split('\n').slice(2, 6).join(' < ')}`);
      return handle;
    };
  const clear = (name: 'clearTimeout' | 'clearInterval') => (handle: unknown) => {
    live.delete(handle);
    (originals[name] as (h: unknown) => void)(handle);
  };
  g.setTimeout = track('setTimeout');
  g.setInterval = track('setInterval');
  g.clearTimeout = clear('clearTimeout');
  g.clearInterval = clear('clearInterval');
  try {
    await fn();
  } finally {
    g.setTimeout = originals.setTimeout as never;
    g.setInterval = originals.setInterval as never;
    g.clearTimeout = originals.clearTimeout as never;
    g.clearInterval = originals.clearInterval as never;
  }
  return [...live.values()];
}

describe('matrix: lifecycle', () => {
  let world: MatrixWorld | undefined;
  let hs: FakeHomeserver | undefined;
  afterEach(async () => {
    await world?.close();
    await hs?.close();
    world = undefined;
    hs = undefined;
  });

  it('startClient needs nothing the fake lacks beyond optional MSC endpoints', async () => {
    world = await createMatrixWorld();
    await world.adapter.start(testContext().ctx);
    expect(world.unknownEndpoints()).toEqual([]);
  });

  it('keeps rooms it already joined even when no inviter is allowed', async () => {
    world = await createMatrixWorld({ isAllowedInviter: () => false });
    const t = testContext();
    await world.adapter.start(t.ctx);
    await world.peer.userSends(world.dm, 'still in the DM?');
    await world.peer.userSends(world.group, 'and the group?');
    await expect.poll(() => t.inbound.length, { timeout: 10_000 }).toBe(2);
    const rooms = world.hs.rooms;
    for (const id of [world.dm.id, world.group.id]) {
      expect(rooms.membershipAt(rooms.room(id), world.botUserId, rooms.position)).toBe('join');
    }
  });

  it('stop() ends syncing and leaves no timers (beyond the SDK request timeouts, matrix-js-sdk#2472)', async () => {
    const server = await startFakeHomeserver();
    hs = server;
    const bot = server.register('hermes', 'pw');
    let syncs = 0;
    const pending = await pendingTimersAfter(async () => {
      const adapter = new MatrixAdapter({ homeserverUrl: server.baseUrl, accessToken: bot.accessToken });
      await adapter.start(testContext().ctx);
      await adapter.sendTyping({ chatId: '!nowhere:localhost', chatType: 'dm' }).catch(() => undefined);
      await adapter.stop();
      syncs = server.requests.filter((r) => r.path.endsWith('/sync')).length;
      // the aborted long poll reaches the server a moment later
      await new Promise((resolve) => setTimeout(resolve, 200));
    });
    expect(server.requests.filter((r) => r.path.endsWith('/sync')).length).toBe(syncs);
    // matrix-js-sdk 43 arms a timer per request with a local timeout (timeoutSignal) and never clears it
    expect(pending.filter((stack) => !stack.includes('timeoutSignal') && !stack.includes('undici'))).toEqual(
      [],
    );
  });
});
