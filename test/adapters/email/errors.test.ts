import { afterEach, beforeEach, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../src/adapters/contract.ts';
import { EmailAdapter } from '../../../src/adapters/email/index.ts';
import { AdapterError } from '../../../src/errors.ts';
import { freePort } from './dovecot.ts';
import { describeWithDovecot } from './dovecot-suite.ts';
import { eventually, fakeContext } from './fake-context.ts';
import { ALICE, createMailWorld, type MailWorld } from './mail-world.ts';

const REPLY: OutboundMessage = {
  chatId: ALICE,
  chatType: 'dm',
  text: 'hello',
  inReplyTo: [],
  idempotencyKey: 'e1',
  sessionKey: `email:dm:${ALICE}`,
};

async function failure(promise: Promise<unknown>): Promise<AdapterError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdapterError);
  return error as AdapterError;
}

describeWithDovecot('email failures', (dovecot) => {
  let world: MailWorld;
  let adapter: EmailAdapter | undefined;

  beforeEach(async () => {
    world = await createMailWorld(dovecot());
  });
  afterEach(async () => {
    await adapter?.stop();
    adapter = undefined;
    await world.close();
  });

  it('refuses to start with a wrong IMAP password (fatal, unauthorized)', async () => {
    adapter = new EmailAdapter(world.options({ password: 'wrong-password' }));
    const error = await failure(adapter.start(fakeContext().ctx));
    expect(error.retryable).toBe(false);
    expect(error.details.reason).toBe('unauthorized');
    expect(error.message).toMatch(/IMAP login refused/);
  });

  it('fails to start, retryably, when the IMAP server cannot be reached', async () => {
    const options = world.options();
    adapter = new EmailAdapter({ ...options, imap: { ...options.imap, port: await freePort() } });
    const error = await failure(adapter.start(fakeContext().ctx));
    expect(error.retryable).toBe(true);
  });

  it('reports a dropped IMAP connection, reconnects and keeps receiving', async () => {
    const fake = fakeContext();
    adapter = new EmailAdapter(world.options());
    await adapter.start(fake.ctx);
    await dovecot().restart();
    // Dovecot's IMAP processes notice the shutdown only after a few seconds
    await eventually(() => expect(fake.healthy).toBeGreaterThanOrEqual(1), 40_000);
    expect(fake.errors[0]?.retryable).toBe(true);
    expect(fake.errors[0]?.message).toMatch(/IMAP connection closed/);
    // the peer's own connection dropped too: a fresh world delivers to the same mailbox
    const again = await createMailWorld(dovecot(), world.botAddress);
    try {
      const id = await again.send({ text: 'after the reconnect' });
      await eventually(() => expect(fake.ingested.map((m) => m.platformMessageId)).toEqual([id]));
    } finally {
      await again.close();
    }
  }, 60_000);

  it('treats a refused SMTP login as fatal (unauthorized)', async () => {
    adapter = new EmailAdapter(world.options());
    await adapter.start(fakeContext().ctx);
    world.refuseLogins();
    const error = await failure(adapter.send(REPLY));
    expect(error.retryable).toBe(false);
    expect(error.details.reason).toBe('unauthorized');
  });

  it('retries a temporary SMTP refusal (4xx) and gives up on a permanent one (5xx)', async () => {
    adapter = new EmailAdapter(world.options());
    await adapter.start(fakeContext().ctx);
    world.refuseRcpt(451, '4.7.1 Greylisted, try again later');
    const temporary = await failure(adapter.send(REPLY));
    expect(temporary.retryable).toBe(true);
    expect(temporary.retryAfterMs).toBeGreaterThan(0);
    world.refuseRcpt(550, '5.1.1 No such user');
    const permanent = await failure(adapter.send(REPLY));
    expect(permanent.retryable).toBe(false);
    expect(permanent.details).toMatchObject({ reason: 'bad_request', code: 'rejected' });
    await adapter.send(REPLY);
    expect(world.sent).toHaveLength(1);
  });

  it('retries when the SMTP server cannot be reached', async () => {
    const options = world.options();
    adapter = new EmailAdapter({ ...options, smtp: { ...options.smtp, port: await freePort() } });
    await adapter.start(fakeContext().ctx);
    const error = await failure(adapter.send(REPLY));
    expect(error.retryable).toBe(true);
  });
});
