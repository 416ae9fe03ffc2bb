/**
 * How homeserver failures reach the gateway: rate limits and server trouble
 * as retryable AdapterErrors (with the wait the server asked for), refused
 * credentials as fatal `unauthorized`, sync trouble through `reportError`;
 * retried sends never post twice (transaction ids come from the idempotency key).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OutboundMessage } from '../../../src/adapters/contract.ts';
import { MatrixAdapter } from '../../../src/adapters/matrix/matrix-adapter.ts';
import { AdapterError } from '../../../src/errors.ts';
import { createMatrixWorld, type MatrixWorld, type TestContext, testContext } from './matrix-world.ts';

const eventually = (check: () => unknown, timeout = 10_000) => vi.waitFor(check, { timeout, interval: 25 });

async function failure(promise: Promise<unknown>): Promise<AdapterError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdapterError);
  return error as AdapterError;
}

describe('matrix: errors', () => {
  let world: MatrixWorld;
  let t: TestContext;
  beforeEach(async () => {
    world = await createMatrixWorld();
    t = testContext();
  });
  afterEach(() => world.close());

  const reply = (text: string, key = text): OutboundMessage => ({
    chatId: world.dm.id,
    chatType: 'dm',
    text,
    inReplyTo: [],
    idempotencyKey: key,
    sessionKey: 's',
  });

  it('M_LIMIT_EXCEEDED is retryable after retry_after_ms, and the retry posts once', async () => {
    await world.adapter.start(t.ctx);
    world.hs.failNext({
      method: 'PUT',
      path: /\/send\//,
      status: 429,
      body: { errcode: 'M_LIMIT_EXCEEDED', error: 'Too Many Requests', retry_after_ms: 1500 },
    });
    const error = await failure(world.adapter.send(reply('hello')));
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 1500, platform: 'matrix' });
    expect(error.details.reason).toBe('rate_limited');
    await world.adapter.send(reply('hello'));
    await eventually(async () =>
      expect((await world.peer.botMessages(world.dm)).map((m) => m.text)).toEqual(['hello']),
    );
  });

  it('a Retry-After header (Matrix 1.10) gives the wait in seconds', async () => {
    await world.adapter.start(t.ctx);
    world.hs.failNext({
      path: /\/send\//,
      status: 429,
      headers: { 'retry-after': '2' },
      body: { errcode: 'M_LIMIT_EXCEEDED', error: 'Too Many Requests' },
    });
    expect(await failure(world.adapter.send(reply('x')))).toMatchObject({
      retryable: true,
      retryAfterMs: 2000,
    });
  });

  it('5xx and network failures are retryable; a refusal is not', async () => {
    await world.adapter.start(t.ctx);
    world.hs.failNext({
      path: /\/send\//,
      status: 502,
      body: { errcode: 'M_UNKNOWN', error: 'Bad gateway' },
    });
    expect(await failure(world.adapter.send(reply('a')))).toMatchObject({ retryable: true });
    world.hs.failNext({
      path: /\/send\//,
      status: 403,
      body: { errcode: 'M_FORBIDDEN', error: 'not in room' },
    });
    const refused = await failure(world.adapter.send(reply('b')));
    expect(refused.retryable).toBe(false);
    expect(refused.details.reason).toBe('forbidden');
    await world.hs.close();
    expect(await failure(world.adapter.send(reply('c')))).toMatchObject({ retryable: true });
  });

  it('sending the same reply twice posts it once; reconcile finds it by transaction id', async () => {
    await world.adapter.start(t.ctx);
    const message = reply('exactly once', 'reply-42');
    expect(await world.adapter.reconcile(message)).toEqual({ delivered: false });
    const first = await world.adapter.send(message);
    const second = await world.adapter.send(message);
    expect(second.platformMessageId).toBe(first.platformMessageId);
    expect(await world.adapter.reconcile(message)).toEqual({
      delivered: true,
      platformMessageId: first.platformMessageId,
    });
    await eventually(async () =>
      expect((await world.peer.botMessages(world.dm)).map((m) => m.text)).toEqual(['exactly once']),
    );
  });

  it('a bad access token fails start as fatal unauthorized', async () => {
    const adapter = new MatrixAdapter({ homeserverUrl: world.hs.baseUrl, accessToken: 'syt_wrong' });
    const error = await failure(adapter.start(t.ctx));
    expect(error.retryable).toBe(false);
    expect(error.details.reason).toBe('unauthorized');
    await adapter.stop();
  });

  it('M_FORBIDDEN on the first /sync fails start as unauthorized', async () => {
    world.hs.failNext({
      path: /\/sync$/,
      token: world.botToken,
      status: 403,
      body: { errcode: 'M_FORBIDDEN', error: 'account locked' },
    });
    const error = await failure(world.adapter.start(t.ctx));
    expect(error).toMatchObject({ retryable: false });
    expect(error.details.reason).toBe('unauthorized');
  });

  it('a token revoked while running is reported as fatal unauthorized', async () => {
    const failures: Error[] = [];
    world.adapter.onFailure((e) => failures.push(e));
    await world.adapter.start(t.ctx);
    world.hs.revokeToken(world.botToken);
    await world.peer.userSends(world.dm, 'wake the long poll');
    await eventually(() => expect(failures).toHaveLength(1));
    const reported = t.errors.at(-1) as AdapterError;
    expect(reported).toBeInstanceOf(AdapterError);
    expect(reported.retryable).toBe(false);
    expect(reported.details.reason).toBe('unauthorized');
  });

  it('a failing /sync is reported as retryable, and recovery as healthy', async () => {
    await world.adapter.start(t.ctx);
    world.hs.failNext({
      path: /\/sync$/,
      token: world.botToken,
      status: 502,
      body: { errcode: 'M_UNKNOWN', error: 'upstream down' },
    });
    await world.peer.userSends(world.dm, 'wake the long poll');
    await eventually(() => expect(t.errors).toHaveLength(1));
    expect(t.errors[0]).toMatchObject({ retryable: true });
    // the SDK probes /versions after a few seconds and syncs again
    await eventually(() => expect(t.healthy).toBeGreaterThanOrEqual(1), 15_000);
    await world.peer.userSends(world.dm, 'after the outage');
    await eventually(() => expect(t.inbound.map((m) => m.text)).toContain('after the outage'));
  });
});
