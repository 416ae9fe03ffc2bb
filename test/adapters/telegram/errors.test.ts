/**
 * How Bot API failures reach the outbox and the breaker: 429 is retryable
 * after Telegram's retry_after, 5xx and network failures are retryable,
 * 401/403 are fatal with a reason.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../src/adapters/contract.ts';
import { TelegramAdapter } from '../../../src/adapters/telegram/index.ts';
import { AdapterError } from '../../../src/errors.ts';
import {
  adapterFor,
  createTelegramWorld,
  freePort,
  recordingContext,
  type TelegramWorld,
} from './harness.ts';
import { DM_CHAT, TOKEN } from './telegram-peer.ts';

let world: TelegramWorld;
let adapter: TelegramAdapter;

const reply: OutboundMessage = {
  chatId: String(DM_CHAT.id),
  chatType: 'dm',
  text: 'hello',
  inReplyTo: [],
  idempotencyKey: 'k',
  sessionKey: 'telegram:dm:1001',
};

beforeEach(async () => {
  world = await createTelegramWorld();
  adapter = adapterFor(world.api);
});

afterEach(async () => {
  await adapter.stop();
  await world.close();
});

async function sendError(): Promise<AdapterError> {
  const error = await adapter.send(reply).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdapterError);
  return error as AdapterError;
}

describe('sending', () => {
  it('429 Too Many Requests is retryable after retry_after seconds', async () => {
    world.api.override('sendMessage', () => ({
      error_code: 429,
      description: 'Too Many Requests: retry after 7',
      parameters: { retry_after: 7 },
    }));
    const error = await sendError();
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(7000);
    expect(error.details.reason).toBe('rate_limited');
  });

  it('a 5xx answer is retryable', async () => {
    world.api.override('sendMessage', () => ({ error_code: 502, description: 'Bad Gateway' }));
    const error = await sendError();
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('a user who blocked the bot is a fatal failure with the reason', async () => {
    world.api.override('sendMessage', () => ({
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    }));
    const error = await sendError();
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ reason: 'forbidden', code: 'bot_blocked' });
  });

  it('an unreachable Bot API server is retryable', async () => {
    adapter = new TelegramAdapter({ token: TOKEN, apiRoot: `http://127.0.0.1:${await freePort()}` });
    const error = await sendError();
    expect(error.retryable).toBe(true);
    expect(error.details.reason).toBe('network');
  });
});

describe('starting', () => {
  it('a wrong token makes start fail for good (401 unauthorized)', async () => {
    adapter = new TelegramAdapter({
      token: '7000001:AAHthisIsNotTheRightTokenAtAll00',
      apiRoot: world.api.url,
    });
    const error = await adapter.start(recordingContext().ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).retryable).toBe(false);
    expect((error as AdapterError).details.reason).toBe('unauthorized');
  });

  it('polling with a token revoked after start reports a fatal error and stops polling', async () => {
    const rec = recordingContext();
    const failures: Error[] = [];
    adapter.onFailure((e) => failures.push(e));
    await adapter.start(rec.ctx);
    world.api.override('getUpdates', () => ({ error_code: 401, description: 'Unauthorized' }));
    world.api.releasePolls();
    await expect.poll(() => failures.length, { timeout: 10_000 }).toBe(1);
    expect(rec.errors).toHaveLength(1);
    expect((rec.errors[0] as AdapterError).retryable).toBe(false);
    expect((rec.errors[0] as AdapterError).details.reason).toBe('unauthorized');
  });
});
