import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { EmailAdapter } from '../../../src/adapters/email/index.ts';
import { describeWithDovecot } from './dovecot-suite.ts';
import { eventually, type FakeContext, fakeContext } from './fake-context.ts';
import { ALICE, createMailWorld, type MailWorld } from './mail-world.ts';

describeWithDovecot('email receiving (IDLE)', (dovecot) => {
  let world: MailWorld;
  let stateDir: string;
  const adapters: EmailAdapter[] = [];

  beforeEach(async () => {
    world = await createMailWorld(dovecot());
    stateDir = mkdtempSync(join(tmpdir(), 'hermes-email-state-'));
  });
  afterEach(async () => {
    for (const a of adapters.splice(0)) await a.stop();
    await world.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  async function startAdapter(fake: FakeContext, withState = true): Promise<EmailAdapter> {
    const adapter = new EmailAdapter(world.options(withState ? { stateDir } : {}));
    adapters.push(adapter);
    await adapter.start(fake.ctx);
    return adapter;
  }

  it('gets new mail pushed by IDLE, without waiting for the hourly poll', async () => {
    const fake = fakeContext();
    const adapter = await startAdapter(fake);
    expect(adapter.push).toBe(true);
    const id = await world.send({ subject: 'Question', text: 'Are you there?' });
    await eventually(() => expect(fake.ingested.map((m) => m.platformMessageId)).toEqual([id]));
    expect(fake.ingested[0]).toMatchObject({
      platform: 'email',
      chatType: 'dm',
      chatId: ALICE,
      userId: ALICE,
      userName: 'Alice Example',
      threadId: id,
      text: 'Are you there?',
    });
  });

  it('marks mail \\Seen once the gateway accepted it', async () => {
    const fake = fakeContext();
    await startAdapter(fake);
    const id = await world.send({ text: 'mark me' });
    await eventually(async () => expect(await world.flagsOf(id)).toContain('\\Seen'));
    expect(fake.ingested).toHaveLength(1);
  });

  it('leaves mail already in the mailbox alone on the first start', async () => {
    const old = await world.send({ text: 'an old unread mail' });
    const fake = fakeContext();
    await startAdapter(fake);
    const fresh = await world.send({ text: 'a new mail' });
    await eventually(() => expect(fake.ingested.map((m) => m.platformMessageId)).toEqual([fresh]));
    expect(await world.flagsOf(old)).not.toContain('\\Seen');
  });

  it('answers mail that came while it was stopped, and only that, after a restart', async () => {
    const first = fakeContext();
    const a = await startAdapter(first);
    const before = await world.send({ text: 'before the restart' });
    await eventually(() => expect(first.ingested.map((m) => m.platformMessageId)).toEqual([before]));
    await a.stop();
    const during = await world.send({ text: 'while it was down' });
    const second = fakeContext();
    await startAdapter(second);
    await eventually(() => expect(second.ingested.map((m) => m.platformMessageId)).toEqual([during]));
  });

  it('keeps mail unseen when the gateway could not accept it, and takes it on the next check', async () => {
    const fake = fakeContext();
    fake.failIngest = true;
    await startAdapter(fake);
    const first = await world.send({ text: 'while the inbox is down' });
    await eventually(() => expect(fake.logs.some((l) => l.msg?.includes('check failed'))).toBe(true));
    expect(await world.flagsOf(first)).not.toContain('\\Seen');
    fake.failIngest = false;
    const second = await world.send({ text: 'after it is back' });
    await eventually(() => expect(fake.ingested.map((m) => m.platformMessageId)).toEqual([first, second]));
  });

  it('keeps only the new text of a reply, without the quoted history', async () => {
    const fake = fakeContext();
    await startAdapter(fake);
    await world.send({
      subject: 'Re: Plans',
      text: 'Sounds good, see you at 8.\n\nOn Mon, 3 Jun 2024 at 10:00, Hermes <bot@example.test> wrote:\n> Shall we meet at 8?\n> Regards',
    });
    await eventually(() => expect(fake.ingested.map((m) => m.text)).toEqual(['Sounds good, see you at 8.']));
  });

  it('reads the text of an HTML-only mail', async () => {
    const fake = fakeContext();
    await startAdapter(fake);
    await world.send({ html: '<p>Hello <b>bot</b></p>' });
    await eventually(() => expect(fake.ingested.map((m) => m.text)).toEqual(['Hello bot']));
  });
});
