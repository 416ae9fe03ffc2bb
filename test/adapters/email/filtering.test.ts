import { afterEach, beforeEach, expect, it } from 'vitest';
import { EmailAdapter } from '../../../src/adapters/email/index.ts';
import { describeWithDovecot } from './dovecot-suite.ts';
import { eventually, fakeContext } from './fake-context.ts';
import { createMailWorld, type MailWorld } from './mail-world.ts';

/** A delivery status notification (bounce) as a mail server writes it. */
function bounce(to: string): Buffer {
  return Buffer.from(
    [
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.test>',
      `To: ${to}`,
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <bounce-1@mx.example.test>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.test',
      '',
      'Final-Recipient: rfc822; nobody@example.test',
      'Action: failed',
      'Status: 5.1.1',
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

/** A DSN from an ordinary-looking sender: only the content type gives it away. */
function report(to: string): Buffer {
  return Buffer.from(
    bounce(to)
      .toString()
      .replace('Mail Delivery System <MAILER-DAEMON@mx.example.test>', 'Reports <reports@example.test>')
      .replace('<bounce-1@', '<report-1@'),
  );
}

describeWithDovecot('email: mail that is never answered', (dovecot) => {
  let world: MailWorld;
  let adapter: EmailAdapter | undefined;

  beforeEach(async () => {
    world = await createMailWorld(dovecot());
  });
  afterEach(async () => {
    await adapter?.stop();
    await world.close();
  });

  it('ignores auto-replies, bounces, lists, system senders and its own mail, and logs why', async () => {
    const fake = fakeContext();
    adapter = new EmailAdapter(world.options());
    await adapter.start(fake.ctx);
    const skipped = [
      await world.send({ text: 'I am out of office', headers: { 'Auto-Submitted': 'auto-replied' } }),
      await world.send({ text: 'auto', headers: { 'X-Autoreply': 'yes' } }),
      await world.send({ text: 'auto', headers: { 'X-Autorespond': 'vacation' } }),
      await world.send({ text: 'newsletter', headers: { Precedence: 'bulk' } }),
      await world.send({ text: 'junk', headers: { Precedence: 'junk' } }),
      await world.send({ text: 'list post', headers: { 'List-Id': '<dev.lists.example.test>' } }),
      await world.send({ text: 'promo', headers: { 'List-Unsubscribe': '<https://example.test/u>' } }),
      await world.send({ from: 'postmaster@example.test', text: 'postmaster notice' }),
      await world.send({ from: `Hermes <${world.botAddress}>`, text: 'my own mail' }),
      await world.send({
        text: 'forged',
        headers: {
          'Authentication-Results': 'mx.example.test; spf=fail smtp.mailfrom=example.test; dmarc=fail',
        },
      }),
    ];
    await world.deliver(bounce(world.botAddress));
    await world.deliver(report(world.botAddress));
    const wanted = await world.send({ text: 'a person writing', headers: { 'Auto-Submitted': 'no' } });
    await eventually(() => expect(fake.ingested.map((m) => m.platformMessageId)).toEqual([wanted]));

    const reasons = fake.logs.filter((l) => l.msg === 'Email ignored').map((l) => l.obj.reason);
    expect(reasons).toEqual([
      'Auto-Submitted: auto-replied',
      'X-Autoreply header',
      'X-Autorespond header',
      'Precedence: bulk',
      'Precedence: junk',
      'mailing list (List-* headers)',
      'mailing list (List-* headers)',
      'system sender postmaster@example.test',
      "sent from the bot's own address",
      'failed DMARC (forged sender?)',
      'system sender mailer-daemon@mx.example.test',
      'delivery or read report (multipart/report)',
    ]);
    // nothing was answered
    expect(world.sent).toEqual([]);
    expect(skipped).toHaveLength(10);
  });
});
