/**
 * When the store cannot commit (an inbox write that fails inside its
 * transaction, as a full disk would), every inbound surface answers 503 so the
 * platform or client delivers again, nothing of the message is stored (no
 * inbox row, no session, no reply), and the redelivery after the store
 * recovered is accepted once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SLACK_DM,
  slackEnvelope,
  startWebhookWorld,
  telegramUpdate,
  type WebhookWorld,
} from './webhook-world.ts';

let world: WebhookWorld;

beforeAll(async () => {
  world = await startWebhookWorld();
});

afterAll(async () => {
  await world?.close();
});

/** Sessions and replies the gateway holds for a chat. */
async function traces(sessionKey: string) {
  await world.gateway.settled(10_000);
  const outbox = await world.gateway.store.outbox.listByStatus(['pending', 'sending', 'sent', 'failed']);
  return {
    session: (await world.gateway.session(sessionKey)) !== undefined,
    replies: outbox.filter((r) => r.sessionKey === sessionKey).length,
  };
}

describe('a store failure during ingest', () => {
  it('gives Telegram 503, stores nothing, and takes the redelivery once', async () => {
    const before = await world.inbox();
    world.failInboxWrites(true);
    const body = JSON.stringify(telegramUpdate(777, 'stored later'));
    const failed = await world.postTelegram(body);
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({
      ok: false,
      error: { code: 'GATEWAY_ERR_NOT_COMMITTED', reason: 'store' },
    });
    expect(await world.inbox()).toEqual(before);
    expect(await traces('telegram:dm:1001')).toEqual({ session: false, replies: 0 });
    world.failInboxWrites(false);
    expect((await world.postTelegram(body)).status).toBe(200);
    expect((await world.postTelegram(body)).status).toBe(200);
    expect((await world.inbox()).filter((id) => id === 'telegram:1001:777')).toHaveLength(1);
    expect(await traces('telegram:dm:1001')).toEqual({ session: true, replies: 1 });
  });

  it('gives Slack 503, stores nothing, and takes the retry once', async () => {
    const before = await world.inbox();
    world.failInboxWrites(true);
    const envelope = slackEnvelope('stored later');
    const body = JSON.stringify(envelope);
    expect((await world.postSlack(body)).status).toBe(503);
    expect(await world.inbox()).toEqual(before);
    world.failInboxWrites(false);
    expect((await world.postSlack(body)).status).toBe(200);
    expect((await world.postSlack(body)).status).toBe(200);
    expect(
      (await world.inbox()).filter((id) => id === `slack:${SLACK_DM}:${envelope.event.ts}`),
    ).toHaveLength(1);
  });

  it('gives the API client 503 not_accepted and stores nothing', async () => {
    const before = await world.inbox();
    world.failInboxWrites(true);
    const failed = await world.postCompletion(
      JSON.stringify({ model: 'hermes-agent', messages: [{ role: 'user', content: 'not now' }] }),
    );
    world.failInboxWrites(false);
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ error: { code: 'not_accepted', type: 'server_error' } });
    expect(await world.inbox()).toEqual(before);
  });
});
