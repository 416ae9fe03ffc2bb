/**
 * Keeping the connection: drops are reconnected with exponential backoff
 * (1 s → 60 s, on a simulated clock), restarts at once, and a logged-out
 * device stops for good with `needs_relink` and no reconnect loop.
 */
import { DisconnectReason } from 'baileys';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { classifyClose, NEEDS_RELINK_MESSAGE } from '../../../src/adapters/whatsapp/index.ts';
import { AdapterError } from '../../../src/errors.ts';
import { closeError } from './fake-whatsapp.ts';
import { makeRig, testContext, USER_JID, type WhatsAppRig } from './harness.ts';

function adapterErrors(errors: unknown[]): AdapterError[] {
  return errors.map((e) => {
    if (!(e instanceof AdapterError)) throw new Error(`not an AdapterError: ${String(e)}`);
    return e;
  });
}

const reply = {
  chatId: USER_JID,
  chatType: 'dm' as const,
  text: 'hello',
  inReplyTo: [],
  idempotencyKey: 'k1',
  sessionKey: `whatsapp:dm:${USER_JID}`,
};

describe('reconnecting', () => {
  let rig: WhatsAppRig | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await rig?.close();
    rig = undefined;
  });

  it('reconnects a lost connection with exponential backoff, reporting each drop as retryable', async () => {
    rig = await makeRig();
    const t = testContext();
    await rig.adapter.start(t.ctx);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    // WhatsApp stays unreachable: every new connection is lost again
    rig.fake.outcome = () => ({ closeWith: DisconnectReason.connectionLost });
    rig.fake.current.close(DisconnectReason.connectionLost);

    await vi.advanceTimersByTimeAsync(10_000);
    // reconnects after 1 s, 2 s and 4 s (at 1, 3 and 7 s); the next waits 8 s
    expect(rig.fake.sockets).toHaveLength(4);
    const errors = adapterErrors(t.errors);
    expect(errors).toHaveLength(4);
    expect(errors.every((e) => e.retryable && e.details.reason === 'connection_lost')).toBe(true);
    expect(t.lines(/reconnecting in/).map((l) => (l.obj as { delayMs: number }).delayMs)).toEqual([
      1000, 2000, 4000, 8000,
    ]);

    await vi.advanceTimersByTimeAsync(50_000);
    // at 15 s and 31 s; the next would be at 63 s
    expect(rig.fake.sockets).toHaveLength(6);

    await vi.advanceTimersByTimeAsync(60_000 * 5);
    // from then on once a minute at most: 63, 123, 183, 243, 303 s
    expect(rig.fake.sockets).toHaveLength(11);
    expect(t.lines(/reconnecting in/).at(-1)?.obj).toMatchObject({ delayMs: 60_000 });

    // WhatsApp is back: the next attempt opens, the breaker hears it is healthy, and sends work again
    rig.fake.outcome = undefined;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(rig.fake.sockets).toHaveLength(12);
    expect(rig.fake.current.isOpen).toBe(true);
    expect(t.healthy).toBe(1);
    await expect(rig.adapter.send(reply)).resolves.toMatchObject({
      platformMessageIds: [expect.any(String)],
    });

    // the backoff starts again from one second after a successful connection
    rig.fake.current.close(DisconnectReason.connectionClosed);
    await vi.advanceTimersByTimeAsync(999);
    expect(rig.fake.sockets).toHaveLength(12);
    await vi.advanceTimersByTimeAsync(1);
    expect(rig.fake.sockets).toHaveLength(13);
  });

  it('refuses sends while disconnected with a retryable error', async () => {
    rig = await makeRig();
    const t = testContext();
    await rig.adapter.start(t.ctx);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    rig.fake.current.close(DisconnectReason.unavailableService);
    await expect(rig.adapter.send(reply)).rejects.toMatchObject({
      retryable: true,
      details: { reason: 'not_connected', code: 'connection_closed' },
    });
    expect(adapterErrors(t.errors)[0]?.details.reason).toBe('service_unavailable');
  });

  it('restarts at once when WhatsApp asks for a restart', async () => {
    rig = await makeRig();
    const t = testContext();
    await rig.adapter.start(t.ctx);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    rig.fake.current.close(DisconnectReason.restartRequired);
    await vi.advanceTimersByTimeAsync(0);
    expect(rig.fake.sockets).toHaveLength(2);
    expect(rig.fake.current.isOpen).toBe(true);
    expect(t.errors).toEqual([]);
  });

  it('keeps reconnecting while it starts, and start resolves once connected', async () => {
    rig = await makeRig();
    const t = testContext();
    rig.fake.outcome = (_socket, index) =>
      index === 0 ? 'hang' : index === 1 ? { closeWith: DisconnectReason.timedOut } : 'open';
    let started = false;
    const starting = rig.adapter.start(t.ctx).then(() => {
      started = true;
    });
    await vi.waitFor(() => expect(rig?.fake.sockets).toHaveLength(1));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    rig.fake.current.close(DisconnectReason.timedOut);
    // reconnects after 1 s (lost again), then after 2 s more (opens)
    await vi.advanceTimersByTimeAsync(2_999);
    expect(rig.fake.sockets).toHaveLength(2);
    expect(started).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await starting;
    expect(rig.fake.sockets).toHaveLength(3);
    expect(adapterErrors(t.errors).map((e) => e.retryable)).toEqual([true, true]);
  });

  it('treats a socket that cannot be made as a drop and tries again', async () => {
    let calls = 0;
    rig = await makeRig({
      adapter: {
        backoff: { initialMs: 10, maxMs: 10 },
        makeSocket: (config) => {
          calls += 1;
          if (calls === 1) throw new Error('no network interface');
          return (rig as WhatsAppRig).fake.makeSocket(config);
        },
      },
    });
    const t = testContext();
    await rig.adapter.start(t.ctx);
    expect(calls).toBe(2);
    expect(adapterErrors(t.errors)).toMatchObject([
      { retryable: true, details: { reason: 'connection_lost' } },
    ]);
  });

  it('stop cancels a pending reconnect and leaves no socket open', async () => {
    rig = await makeRig();
    const t = testContext();
    await rig.adapter.start(t.ctx);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    rig.fake.current.close(DisconnectReason.connectionLost);
    await rig.adapter.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(rig.fake.sockets).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('closes the socket when the gateway aborts the context', async () => {
    rig = await makeRig();
    const t = testContext();
    await rig.adapter.start(t.ctx);
    t.abort();
    await vi.waitFor(() => expect(rig?.fake.current.closed).toBe(true));
  });
});

describe('needs relink', () => {
  let rig: WhatsAppRig | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await rig?.close();
    rig = undefined;
  });

  it('stops for good when the device is logged out: needs_relink, the failure route, and no reconnect', async () => {
    rig = await makeRig();
    const t = testContext();
    const failures: Error[] = [];
    rig.adapter.onFailure((error) => failures.push(error));
    await rig.adapter.start(t.ctx);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    rig.fake.current.close(DisconnectReason.loggedOut);
    await vi.advanceTimersByTimeAsync(30 * 60_000);

    expect(rig.fake.sockets).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    const [reported] = adapterErrors(t.errors);
    expect(t.errors).toHaveLength(1);
    expect(reported).toMatchObject({ retryable: false, details: { reason: 'needs_relink' } });
    expect(failures).toEqual([reported]);
    const [line] = t.lines(/needs relink/);
    expect(line).toMatchObject({ level: 'error', msg: NEEDS_RELINK_MESSAGE });
    // replies are refused as fatal instead of waiting for a connection that will not come
    await expect(rig.adapter.send(reply)).rejects.toMatchObject({
      retryable: false,
      details: { reason: 'needs_relink' },
    });
  });

  it('rejects start when the stored session is refused', async () => {
    rig = await makeRig();
    const t = testContext();
    rig.fake.outcome = () => ({ closeWith: DisconnectReason.connectionReplaced });
    await expect(rig.adapter.start(t.ctx)).rejects.toMatchObject({
      retryable: false,
      details: { reason: 'needs_relink' },
    });
    expect(rig.fake.sockets).toHaveLength(1);
    expect(t.lines(/needs relink/)).toHaveLength(1);
  });

  it.each([
    ['loggedOut', DisconnectReason.loggedOut, 'relink'],
    ['badSession', DisconnectReason.badSession, 'relink'],
    ['multideviceMismatch', DisconnectReason.multideviceMismatch, 'relink'],
    ['connectionReplaced', DisconnectReason.connectionReplaced, 'relink'],
    ['forbidden', DisconnectReason.forbidden, 'fatal'],
    ['restartRequired', DisconnectReason.restartRequired, 'restart'],
    ['connectionLost / timedOut', DisconnectReason.connectionLost, 'reconnect'],
    ['connectionClosed', DisconnectReason.connectionClosed, 'reconnect'],
    ['unavailableService', DisconnectReason.unavailableService, 'reconnect'],
  ])('classifies %s as %s', (_name, code, action) => {
    expect(classifyClose(closeError(code)).action).toBe(action);
  });

  it('reconnects after a close without a status (a network error)', () => {
    expect(classifyClose(new Error('getaddrinfo ENOTFOUND web.whatsapp.com'))).toMatchObject({
      action: 'reconnect',
      reason: 'connection_lost',
    });
  });
});
