import { afterEach, beforeEach, expect, it } from 'vitest';
import { EmailAdapter } from '../../../src/adapters/email/index.ts';
import { describeWithDovecot } from './dovecot-suite.ts';
import { eventually, fakeContext } from './fake-context.ts';
import { createMailWorld, type MailWorld } from './mail-world.ts';

describeWithDovecot(
  'email receiving from a server without IDLE (polling)',
  (dovecot) => {
    let world: MailWorld;
    let adapter: EmailAdapter | undefined;

    beforeEach(async () => {
      world = await createMailWorld(dovecot());
    });
    afterEach(async () => {
      await adapter?.stop();
      await world.close();
    });

    it('polls the inbox every EMAIL_POLL_SECONDS and answers what arrived', async () => {
      const fake = fakeContext();
      adapter = new EmailAdapter(world.options({ pollSeconds: 1 }));
      await adapter.start(fake.ctx);
      expect(adapter.push).toBe(false);
      expect(fake.logs.some((l) => l.msg?.includes('polling'))).toBe(true);
      const first = await world.send({ text: 'first, found by a poll' });
      await eventually(() => expect(fake.ingested.map((m) => m.platformMessageId)).toEqual([first]));
      const second = await world.send({ text: 'second, found by a later poll' });
      await eventually(() => expect(fake.ingested.map((m) => m.platformMessageId)).toEqual([first, second]));
      await eventually(async () => expect(await world.flagsOf(second)).toContain('\\Seen'));
    });
  },
  { idle: false },
);
