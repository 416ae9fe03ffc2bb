/**
 * Webhook mode, with the adapter's own ingress (an adapter embedded without the
 * gateway's): it registers the route with setWebhook and a secret token
 * (generated when none is configured), never polls, refuses requests without
 * the secret (401, logged), answers a payload it cannot use with 200 "ignored"
 * (Telegram would redeliver anything else for hours), answers 200 only once
 * the gateway accepted the update, and 503 when it could not.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { InboundMessage } from '../../../src/adapters/contract.ts';
import { SECRET_HEADER, type TelegramAdapter } from '../../../src/adapters/telegram/index.ts';
import { botApiValidator } from './bot-api-schema.ts';
import {
  adapterFor,
  createTelegramWorld,
  freePort,
  type RecordingContext,
  recordingContext,
  type TelegramWorld,
} from './harness.ts';
import { ADA, DM_CHAT, userPosts } from './telegram-peer.ts';

let world: TelegramWorld;
let adapter: TelegramAdapter;
let rec: RecordingContext;
let hookUrl: string;
/** Held ingests: released by the test. */
let gate: { entered: InboundMessage[]; release: () => void; hold: boolean };

beforeEach(async () => {
  world = await createTelegramWorld();
  const port = await freePort();
  hookUrl = `http://127.0.0.1:${port}/telegram/hook`;
  let release = () => {};
  gate = { entered: [], release: () => release(), hold: false };
  rec = recordingContext(async (message) => {
    gate.entered.push(message);
    if (gate.hold) await new Promise<void>((r) => (release = r));
  });
  adapter = adapterFor(world.api, { webhook: { url: hookUrl, host: '127.0.0.1', port } });
  await adapter.start(rec.ctx);
});

afterEach(async () => {
  gate.release();
  await adapter.stop();
  await world.close();
});

/** An update as Telegram would post it (checked against the Bot API schema). */
function update(id: number, text: string) {
  const value = {
    update_id: id,
    message: { message_id: id, date: 1_700_000_000, chat: DM_CHAT, from: ADA, text },
  };
  expect(botApiValidator()('Update', value)).toEqual([]);
  return value;
}

it('registers the webhook with a generated secret and does not poll', () => {
  expect(world.api.webhook?.url).toBe(hookUrl);
  expect(world.api.webhook?.secret).toMatch(/^[A-Za-z0-9_-]{32,256}$/);
  expect(world.api.webhook?.secret).toBe(adapter.webhookSecret);
  expect(world.api.callsOf('getUpdates')).toHaveLength(0);
  expect(world.api.callsOf('setWebhook')[0]?.params.allowed_updates).toEqual(['message', 'channel_post']);
});

it('receives a user message pushed by Telegram and answers 200', async () => {
  await userPosts(world.api, world.dm, 'via webhook');
  expect(world.api.webhookAnswers.map((a) => a.status)).toEqual([200]);
  expect(rec.ingested.map((m) => m.text)).toEqual(['via webhook']);
});

it('answers 200 only after the gateway accepted the update', async () => {
  gate.hold = true;
  let answered = false;
  const response = fetch(hookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SECRET_HEADER]: adapter.webhookSecret as string },
    body: JSON.stringify(update(900, 'hold my ack')),
  }).then((r) => {
    answered = true;
    return r.status;
  });
  await vi.waitFor(() => expect(gate.entered).toHaveLength(1), { timeout: 5_000 });
  expect(answered).toBe(false);
  gate.release();
  expect(await response).toBe(200);
  expect(rec.ingested.map((m) => m.text)).toEqual(['hold my ack']);
});

it('refuses a request with a wrong or missing secret (401) and logs it', async () => {
  const wrong = await fetch(hookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SECRET_HEADER]: 'not-the-secret' },
    body: JSON.stringify(update(901, 'forged')),
  });
  const missing = await fetch(hookUrl, { method: 'POST', body: JSON.stringify(update(902, 'forged')) });
  expect([wrong.status, missing.status]).toEqual([401, 401]);
  expect(rec.ingested).toEqual([]);
  expect(rec.logs.filter((l) => l.level === 'warn' && /wrong secret/.test(l.msg ?? ''))).toHaveLength(2);
});

it('answers malformed JSON and an update without a chat with 200 "ignored", logged, nothing ingested', async () => {
  const post = (body: string) =>
    fetch(hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SECRET_HEADER]: adapter.webhookSecret as string },
      body,
    });
  const malformed = await post('{"update_id": 5, "message": ');
  expect(malformed.status).toBe(200);
  expect(await malformed.json()).toEqual({ ok: true, ignored: 'not_json' });
  const noChat = await post(
    JSON.stringify({ update_id: 6, message: { message_id: 1, date: 1, text: 'hi' } }),
  );
  expect(noChat.status).toBe(200);
  expect(await noChat.json()).toEqual({ ok: true, ignored: 'invalid_message' });
  expect(rec.ingested).toEqual([]);
  expect(rec.logs.filter((l) => l.level === 'warn' && /payload ignored/.test(l.msg ?? ''))).toHaveLength(2);
});

it('answers 503 when the gateway could not accept the update, so Telegram retries', async () => {
  const failing = recordingContext(async () => {
    throw new Error('inbox unavailable');
  });
  await adapter.stop();
  await adapter.start(failing.ctx);
  await userPosts(world.api, world.dm, 'try again later');
  expect(world.api.webhookAnswers.map((a) => a.status)).toEqual([503]);
});
