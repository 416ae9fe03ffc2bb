/**
 * Discord's 429 answers as discord.js's REST queue meets them: a short wait
 * is absorbed (the message arrives late, once), a long one, a global one or a
 * route that keeps answering 429 ends the send with a retryable AdapterError
 * carrying retryAfterMs, never a hang.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../src/adapters/contract.ts';
import type { DiscordAdapter } from '../../../src/adapters/discord/index.ts';
import { AdapterError } from '../../../src/errors.ts';
import type { FakeDiscord } from './fake/fake-discord.ts';
import { adapterFor, recordingContext, startFake } from './harness.ts';

let fake: FakeDiscord;
let adapter: DiscordAdapter;
const messages = /^\/channels\/\d+\/messages$/;

beforeEach(async () => {
  fake = await startFake();
  adapter = adapterFor(fake);
  await adapter.start(recordingContext().ctx);
});

afterEach(async () => {
  await adapter.stop();
  await fake.close();
});

function reply(chatId: string, text: string): OutboundMessage {
  return { chatId, chatType: 'group', text, inReplyTo: [], idempotencyKey: text, sessionKey: 's' };
}

function rateLimited(retryAfterSeconds: number, global = false, times = 1) {
  return {
    method: 'POST',
    path: messages,
    status: 429,
    times,
    headers: {
      'retry-after': String(retryAfterSeconds),
      'x-ratelimit-scope': global ? 'global' : 'user',
      ...(global ? { 'x-ratelimit-global': 'true' } : {}),
    },
    body: { message: 'You are being rate limited.', retry_after: retryAfterSeconds, global },
  };
}

const posts = () => fake.requests.filter((r) => r.method === 'POST' && messages.test(r.path));

async function rejection(promise: Promise<unknown>): Promise<AdapterError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdapterError);
  return error as AdapterError;
}

it('absorbs a short 429 and delivers the message once', async () => {
  const channel = fake.world.textChannel.id;
  fake.failNext(rateLimited(1));
  const result = await adapter.send(reply(channel, 'after a short wait'));
  expect(posts()).toHaveLength(2);
  expect(fake.botMessagesIn(channel).map((m) => m.message.id)).toEqual([result.platformMessageId]);
});

it('fails a send that would wait long with a retryable error carrying retryAfterMs', async () => {
  fake.failNext(rateLimited(30));
  const error = await rejection(adapter.send(reply(fake.world.textChannel.id, 'long wait')));
  expect(error.retryable).toBe(true);
  expect(error.details.reason).toBe('rate_limited');
  expect(error.retryAfterMs).toBeGreaterThanOrEqual(30_000);
  expect(posts()).toHaveLength(1);

  // while that limit lasts, the channel fails fast without asking Discord again
  const again = await rejection(adapter.send(reply(fake.world.textChannel.id, 'still limited')));
  expect(again.retryable).toBe(true);
  expect(again.retryAfterMs).toBeGreaterThan(25_000);
  expect(posts()).toHaveLength(1);
  // other channels are not affected
  await adapter.send(reply(fake.world.dmChannel.id, 'elsewhere'));
  expect(fake.botMessagesIn(fake.world.dmChannel.id)).toHaveLength(1);
});

it('fails at once while a global rate limit lasts, for every channel', async () => {
  fake.failNext(rateLimited(60, true));
  const first = await rejection(adapter.send(reply(fake.world.textChannel.id, 'global one')));
  expect(first.retryable).toBe(true);
  expect(first.retryAfterMs).toBeGreaterThanOrEqual(59_000);
  const second = await rejection(adapter.send(reply(fake.world.dmChannel.id, 'global two')));
  expect(second.retryable).toBe(true);
  expect(second.retryAfterMs).toBeGreaterThan(0);
  expect(posts()).toHaveLength(1);
});

it('gives up on a route that keeps answering 429', async () => {
  fake.failNext(rateLimited(0, false, 1000));
  const error = await rejection(adapter.send(reply(fake.world.textChannel.id, 'always limited')));
  expect(error.retryable).toBe(true);
  expect(error.details.reason).toBe('rate_limited');
  expect(posts().length).toBeLessThanOrEqual(4);
  expect(fake.botMessagesIn(fake.world.textChannel.id)).toEqual([]);
});
