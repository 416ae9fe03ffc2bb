/**
 * The Events API over signed HTTP on an ingress route: each request's
 * signature (HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret)
 * is checked; a bad or stale one gets 401 and a log line. The URL verification
 * challenge is answered. A delivery is answered 200 only after the message was
 * ingested, a failed ingest gets 503 so Slack retries, and a retry
 * (X-Slack-Retry-Num) of a message already taken is not ingested again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { signedHeaders } from './fake/signing.ts';
import { WORKSPACE } from './fake/workspace.ts';
import { DM_CHANNEL, eventsUrlOf, type RunningSlack, startSlack } from './harness.ts';
import { eventually } from './test-context.ts';

describe('slack: Events API (signed HTTP)', () => {
  let s: RunningSlack;
  afterEach(async () => {
    await s.close();
  });

  it('takes a signed event and answers 200 only after the message was ingested', async () => {
    s = await startSlack('http');
    s.t.hold();
    const { ts, deliveries } = await s.fake.userPosts({ channel: DM_CHANNEL, text: 'hello over http' });
    const [delivery] = deliveries;
    await eventually(() => expect(s.t.calls).toHaveLength(1));
    expect(delivery?.httpStatus).toBeUndefined();
    s.t.release();
    await delivery?.acknowledged;
    expect(delivery?.httpStatus).toBe(200);
    expect(s.t.accepted.map((m) => [m.platformMessageId, m.text])).toEqual([
      [`${DM_CHANNEL}:${ts}`, 'hello over http'],
    ]);
  });

  it('answers 401 to a bad signature, logs it and ingests nothing', async () => {
    s = await startSlack('http');
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: WORKSPACE.teamId,
      api_app_id: WORKSPACE.appId,
      event_id: 'EvFORGED',
      event_time: 1,
      event: {
        type: 'message',
        channel: DM_CHANNEL,
        channel_type: 'im',
        user: 'U0ALICE01',
        text: 'forged',
        ts: '1.000001',
      },
    });
    const headers = signedHeaders('not-the-signing-secret', body);
    const response = await fetch(eventsUrlOf(s.adapter), { method: 'POST', headers, body });
    expect(response.status).toBe(401);
    const stale = signedHeaders(WORKSPACE.signingSecret, body, Math.floor(Date.now() / 1000) - 10 * 60);
    expect((await fetch(eventsUrlOf(s.adapter), { method: 'POST', headers: stale, body })).status).toBe(401);
    const lines = s.t.logs.filter((l) => l.level === 'warn' && /^slack: 401/.test(l.msg ?? ''));
    expect(lines.map((l) => l.msg)).toEqual([
      expect.stringMatching(/401 bad_signature: the request signature does not match/),
      expect.stringMatching(/401 stale_timestamp/),
    ]);
    expect(s.t.calls).toEqual([]);
  });

  it('answers the URL verification challenge', async () => {
    s = await startSlack('http');
    const body = JSON.stringify({
      token: 'fake-verification-token',
      challenge: 'c-3a1b2c',
      type: 'url_verification',
    });
    const response = await fetch(eventsUrlOf(s.adapter), {
      method: 'POST',
      headers: signedHeaders(WORKSPACE.signingSecret, body),
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ challenge: 'c-3a1b2c' });
  });

  it('answers 503 when the message could not be taken, and takes Slack’s retry once', async () => {
    s = await startSlack('http');
    s.t.failNext();
    const { ts, deliveries } = await s.fake.userPosts({ channel: DM_CHANNEL, text: 'try again later' });
    await eventually(() => expect(deliveries[0]?.httpStatus).toBe(503));
    expect(s.t.accepted).toEqual([]);
    const [retry] = s.fake.redeliver(DM_CHANNEL, ts);
    await retry?.acknowledged;
    expect(retry?.retryAttempt).toBe(1);
    const [again] = s.fake.redeliver(DM_CHANNEL, ts);
    await again?.acknowledged;
    expect(again?.httpStatus).toBe(200);
    expect(s.t.calls.map((m) => m.platformMessageId)).toEqual([`${DM_CHANNEL}:${ts}`, `${DM_CHANNEL}:${ts}`]);
    expect(s.t.accepted.map((m) => m.text)).toEqual(['try again later']);
  });
});
