/**
 * Socket Mode: envelopes are acknowledged only after `ctx.ingest()` resolved
 * (a failed ingest leaves the envelope unacknowledged so Slack delivers it
 * again); a dropped socket is reported to the gateway as a retryable error and
 * reconnected through a fresh `apps.connections.open`; Slack's routine
 * `disconnect` notice reconnects without a report; `stop` closes the socket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/errors.ts';
import { DM_CHANNEL, type RunningSlack, startSlack } from './harness.ts';
import { eventually } from './test-context.ts';

describe('slack: Socket Mode', () => {
  let s: RunningSlack;
  afterEach(async () => {
    await s.close();
  });

  it('acknowledges an envelope only after the message was ingested', async () => {
    s = await startSlack('socket');
    s.t.hold();
    const { deliveries } = await s.fake.userPosts({ channel: DM_CHANNEL, text: 'hold on' });
    const [delivery] = deliveries;
    await eventually(() => expect(s.t.calls).toHaveLength(1));
    // a ping round trip: any ack the app had sent would have arrived before the pong
    await s.fake.roundTrip();
    expect(delivery?.acked).toBe(false);
    s.t.release();
    await delivery?.acknowledged;
    expect(s.t.accepted.map((m) => m.text)).toEqual(['hold on']);
  });

  it('leaves an envelope unacknowledged when ingest failed, and takes the redelivery', async () => {
    s = await startSlack('socket');
    s.t.failNext();
    const { ts, deliveries } = await s.fake.userPosts({ channel: DM_CHANNEL, text: 'first try fails' });
    await eventually(() => expect(s.t.calls).toHaveLength(1));
    await s.fake.roundTrip();
    expect(deliveries[0]?.acked).toBe(false);
    const [retry] = s.fake.redeliver(DM_CHANNEL, ts);
    await retry?.acknowledged;
    expect(s.t.accepted.map((m) => [m.platformMessageId, m.text])).toEqual([
      [`${DM_CHANNEL}:${ts}`, 'first try fails'],
    ]);
    expect(deliveries[0]?.acked).toBe(false);
  });

  it('reports a dropped socket as retryable, reconnects and keeps receiving', async () => {
    s = await startSlack('socket');
    expect(s.fake.connectionsOpened).toBe(1);
    s.fake.dropSockets();
    await s.fake.socketsGreetedAtLeast(2);
    await eventually(() => expect(s.t.healthyReports).toBe(1));
    expect(s.fake.connectionsOpened).toBe(2);
    expect(s.t.reported).toHaveLength(1);
    const [reported] = s.t.reported;
    expect(reported).toBeInstanceOf(AdapterError);
    expect(reported).toMatchObject({
      retryable: true,
      platform: 'slack',
      details: { reason: 'connection_lost', code: 'socket_closed' },
    });
    await s.fake.userPosts({ channel: DM_CHANNEL, text: 'after the drop' });
    await eventually(() => expect(s.t.accepted.map((m) => m.text)).toEqual(['after the drop']));
  });

  it('reports each failed reconnect and recovers when Slack answers again', async () => {
    s = await startSlack('socket');
    s.fake.failNext('apps.connections.open', { status: 503 }, 2);
    s.fake.dropSockets();
    await s.fake.socketsGreetedAtLeast(2);
    await eventually(() => expect(s.t.healthyReports).toBe(1));
    expect(s.t.reported.map((e) => (e as AdapterError).details.code)).toEqual([
      'socket_closed',
      'http_503',
      'http_503',
    ]);
    expect(s.t.reported.every((e) => (e as AdapterError).retryable)).toBe(true);
  });

  it("reconnects on Slack's disconnect notice without reporting a failure", async () => {
    s = await startSlack('socket');
    s.fake.sendDisconnect('refresh_requested');
    await s.fake.socketsGreetedAtLeast(2);
    await eventually(() => expect(s.fake.openSockets).toBe(1));
    await s.fake.userPosts({ channel: DM_CHANNEL, text: 'after the refresh' });
    await eventually(() => expect(s.t.accepted.map((m) => m.text)).toEqual(['after the refresh']));
    expect(s.t.reported).toEqual([]);
    expect(s.t.logs.some((l) => l.level === 'info' && /refresh_requested/.test(l.msg ?? ''))).toBe(true);
  });

  it('gives up with a fatal report when the app token is revoked while reconnecting', async () => {
    s = await startSlack('socket');
    const failures: Error[] = [];
    s.adapter.onFailure((error) => failures.push(error));
    s.fake.failNext('apps.connections.open', { error: 'token_revoked' });
    s.fake.dropSockets();
    await eventually(() => expect(failures).toHaveLength(1));
    expect(failures[0]).toMatchObject({
      retryable: false,
      details: { reason: 'unauthorized', code: 'token_revoked' },
    });
    expect(s.t.reported.map((e) => (e as AdapterError).retryable)).toEqual([true, false]);
  });

  it('closes the socket on stop', async () => {
    s = await startSlack('socket');
    expect(s.fake.openSockets).toBe(1);
    await s.adapter.stop();
    await eventually(() => expect(s.fake.openSockets).toBe(0));
    expect(s.t.reported).toEqual([]);
  });
});
