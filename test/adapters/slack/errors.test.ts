/**
 * How Slack's failures reach the gateway: a 429 with Retry-After becomes a
 * retryable AdapterError carrying the wait (the SDK does not retry by itself,
 * so the outbox owns retries), 5xx and network failures are retryable, and a
 * dead or revoked token is fatal with its reason.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../src/adapters/contract.ts';
import { SlackAdapter } from '../../../src/adapters/slack/slack-adapter.ts';
import { AdapterError } from '../../../src/errors.ts';
import { FakeSlack } from './fake/fake-slack.ts';
import { adapterOptions, DM_CHANNEL, type RunningSlack, startSlack } from './harness.ts';
import { createTestContext } from './test-context.ts';

const reply: OutboundMessage = {
  chatId: DM_CHANNEL,
  chatType: 'dm',
  text: 'an answer',
  inReplyTo: [],
  idempotencyKey: 'err-1',
  sessionKey: 'slack:dm:D0ALICE01',
};

async function failure(work: Promise<unknown>): Promise<AdapterError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdapterError);
  return error as AdapterError;
}

describe('slack: errors', () => {
  let s: RunningSlack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('turns 429 ratelimited with Retry-After into a retryable error with the wait, without retrying itself', async () => {
    s = await startSlack('socket');
    s.fake.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const error = await failure(s.adapter.send(reply));
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 7000, details: { reason: 'rate_limited' } });
    expect(s.fake.callsOf('chat.postMessage')).toHaveLength(1);
    expect(s.fake.botMessages(DM_CHANNEL)).toEqual([]);
    // the outbox's retry goes through
    await s.adapter.send(reply);
    expect(s.fake.botMessages(DM_CHANNEL).map((m) => m.text)).toEqual(['an answer']);
  });

  it('treats 5xx answers as retryable', async () => {
    s = await startSlack('socket');
    s.fake.failNext('chat.update', { status: 503 });
    const sent = await s.adapter.send(reply);
    const error = await failure(
      s.adapter.edit(
        { chatId: DM_CHANNEL, chatType: 'dm', messageId: sent.platformMessageId as string },
        'x',
      ),
    );
    expect(error).toMatchObject({ retryable: true, details: { reason: 'upstream_5xx', code: 'http_503' } });
    expect(s.fake.callsOf('chat.update')).toHaveLength(1);
  });

  it.each(['invalid_auth', 'account_inactive', 'token_revoked'])(
    'treats %s as fatal: the token needs the operator, and the code is kept',
    async (code) => {
      s = await startSlack('socket');
      s.fake.failNext('chat.postMessage', { error: code });
      const error = await failure(s.adapter.send(reply));
      expect(error).toMatchObject({ retryable: false, details: { reason: 'unauthorized', code } });
    },
  );

  it('refuses to start with a revoked bot token', async () => {
    const fake = await FakeSlack.start('socket');
    try {
      fake.failNext('auth.test', { error: 'token_revoked' });
      const adapter = new SlackAdapter(adapterOptions(fake, 'socket'));
      const error = await failure(adapter.start(createTestContext().ctx));
      expect(error).toMatchObject({
        retryable: false,
        details: { reason: 'unauthorized', code: 'token_revoked' },
      });
      expect(fake.connectionsOpened).toBe(0);
    } finally {
      await fake.close();
    }
  });

  it('refuses to start when Slack rejects the app token', async () => {
    const fake = await FakeSlack.start('socket');
    try {
      const adapter = new SlackAdapter(adapterOptions(fake, 'socket', { appToken: 'xapp-1-wrong' }));
      const error = await failure(adapter.start(createTestContext().ctx));
      expect(error).toMatchObject({
        retryable: false,
        details: { reason: 'unauthorized', code: 'invalid_auth' },
      });
    } finally {
      await fake.close();
    }
  });

  it('reports a network failure as retryable', async () => {
    const fake = await FakeSlack.start('socket');
    const options = adapterOptions(fake, 'socket');
    await fake.close();
    const adapter = new SlackAdapter(options);
    const error = await failure(adapter.start(createTestContext().ctx));
    expect(error).toMatchObject({ retryable: true, details: { reason: 'network' } });
  });
});
