/**
 * How Discord's refusals reach the gateway: a rejected token stops the start
 * with a fatal `unauthorized` error, upstream 5xx (after discord.js's own
 * retries) and network failures are retryable, a missing permission is not.
 */
import { DiscordAPIError, HTTPError } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../src/adapters/contract.ts';
import { type DiscordAdapter, toAdapterError } from '../../../src/adapters/discord/index.ts';
import { AdapterError } from '../../../src/errors.ts';
import type { FakeDiscord } from './fake/fake-discord.ts';
import { adapterFor, recordingContext, startFake } from './harness.ts';

let fake: FakeDiscord | undefined;
let adapter: DiscordAdapter | undefined;

afterEach(async () => {
  await adapter?.stop();
  await fake?.close();
  adapter = undefined;
  fake = undefined;
});

async function started(): Promise<{ fake: FakeDiscord; adapter: DiscordAdapter }> {
  fake = await startFake();
  adapter = adapterFor(fake);
  await adapter.start(recordingContext().ctx);
  return { fake, adapter };
}

function reply(chatId: string): OutboundMessage {
  return { chatId, chatType: 'group', text: 'hi', inReplyTo: [], idempotencyKey: 'k', sessionKey: 's' };
}

async function rejection(promise: Promise<unknown>): Promise<AdapterError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdapterError);
  return error as AdapterError;
}

describe('discord errors', () => {
  it('refuses to start with a rejected token: fatal, reason unauthorized', async () => {
    fake = await startFake();
    adapter = adapterFor(fake, { token: 'not-the-token' });
    const error = await rejection(adapter.start(recordingContext().ctx));
    expect(error.retryable).toBe(false);
    expect(error.details.reason).toBe('unauthorized');
    expect(fake.gateway.identifies).toBe(0);
  });

  it('turns an upstream 5xx into a retryable error after discord.js retried it', async () => {
    const { fake, adapter } = await started();
    fake.failNext({ method: 'POST', path: /\/messages$/, status: 502, times: 10 });
    const error = await rejection(adapter.send(reply(fake.world.textChannel.id)));
    expect(error.retryable).toBe(true);
    expect(error.details).toMatchObject({ reason: 'upstream_5xx', code: 'http_502' });
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(4);
  });

  it('does not retry a missing permission', async () => {
    const { fake, adapter } = await started();
    fake.failNext({
      method: 'POST',
      path: /\/messages$/,
      status: 403,
      times: 1,
      body: { message: 'Missing Permissions', code: 50013 },
    });
    const error = await rejection(adapter.send(reply(fake.world.textChannel.id)));
    expect(error.retryable).toBe(false);
    expect(error.details.reason).toBe('forbidden');
  });

  it('refuses to send when the channel does not exist', async () => {
    const { adapter } = await started();
    const error = await rejection(adapter.send(reply('999999999999999999')));
    expect(error.retryable).toBe(false);
    expect(error.details.reason).toBe('not_found');
  });

  it('refuses to send before start, as retryable', async () => {
    fake = await startFake();
    adapter = adapterFor(fake);
    const error = await rejection(adapter.send(reply(fake.world.textChannel.id)));
    expect(error.retryable).toBe(true);
    expect(error.details.reason).toBe('not_connected');
  });
});

describe('toAdapterError', () => {
  it('maps network failures as retryable', () => {
    const error = toAdapterError(
      Object.assign(new TypeError('fetch failed'), { code: 'ECONNRESET' }),
      'send',
    );
    expect(error).toMatchObject({ retryable: true, details: { reason: 'network' } });
  });

  it('maps a 401 from the API as fatal unauthorized', () => {
    const api = new DiscordAPIError({ message: '401: Unauthorized', code: 0 }, 0, 401, 'POST', '/x', {});
    expect(toAdapterError(api, 'send')).toMatchObject({
      retryable: false,
      details: { reason: 'unauthorized' },
    });
  });

  it('maps an HTTP 503 as retryable', () => {
    const http = new HTTPError(503, 'Service Unavailable', 'GET', '/x', {});
    expect(toAdapterError(http, 'send')).toMatchObject({
      retryable: true,
      details: { reason: 'upstream_5xx', code: 'http_503' },
    });
  });
});
