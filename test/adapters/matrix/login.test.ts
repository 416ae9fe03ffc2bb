/**
 * Signing in: password login (m.login.password on a fixed device), a token
 * without a user id (found with /whoami), and a wrong password.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MatrixAdapter } from '../../../src/adapters/matrix/matrix-adapter.ts';
import { AdapterError } from '../../../src/errors.ts';
import {
  createMatrixWorld,
  type MatrixWorld,
  PASSWORDS,
  type TestContext,
  testContext,
} from './matrix-world.ts';

const eventually = (check: () => unknown) => vi.waitFor(check, { timeout: 10_000, interval: 25 });

describe('matrix: signing in', () => {
  let world: MatrixWorld;
  let t: TestContext;
  let adapter: MatrixAdapter | undefined;
  beforeEach(async () => {
    world = await createMatrixWorld();
    t = testContext();
  });
  afterEach(async () => {
    await adapter?.stop();
    adapter = undefined;
    await world.close();
  });

  it('logs in with user id and password on the HERMESGATEWAY device, and works', async () => {
    adapter = new MatrixAdapter({
      homeserverUrl: world.hs.baseUrl,
      userId: world.botUserId,
      password: PASSWORDS.bot,
    });
    await adapter.start(t.ctx);
    expect(adapter.userId).toBe(world.botUserId);
    expect(world.hs.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/login'))).toHaveLength(2); // alice + bot
    await world.peer.userSends(world.dm, 'hello after login');
    await eventually(() => expect(t.inbound.map((m) => m.text)).toEqual(['hello after login']));
    const sent = await adapter.send({
      chatId: world.dm.id,
      chatType: 'dm',
      text: 'hi',
      inReplyTo: [],
      idempotencyKey: 'login-1',
      sessionKey: 's',
    });
    const stored = world.hs.rooms.event(world.dm.id, sent.platformMessageId as string);
    expect(stored?.txn?.device).toBe('HERMESGATEWAY');
  });

  it('a wrong password fails start as fatal unauthorized', async () => {
    adapter = new MatrixAdapter({
      homeserverUrl: world.hs.baseUrl,
      userId: world.botUserId,
      password: 'nope',
    });
    const error = await adapter.start(t.ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).retryable).toBe(false);
    expect((error as AdapterError).details.reason).toBe('unauthorized');
  });

  it('with only a token, the user id comes from /whoami', async () => {
    await world.adapter.start(t.ctx);
    expect(world.adapter.userId).toBe(world.botUserId);
    expect(world.hs.requests.some((r) => r.path.endsWith('/account/whoami'))).toBe(true);
  });
});
