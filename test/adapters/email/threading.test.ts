import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AdapterContext, IngestResult, OutboundMessage } from '../../../src/adapters/contract.ts';
import { EmailAdapter } from '../../../src/adapters/email/index.ts';
import type { Agent } from '../../../src/agent/agent.ts';
import { lastUserText } from '../../../src/agent/last-user-message.ts';
import { createMemoryStore } from '../../../src/persistence/memory-store.ts';
import { createGateway, type Gateway } from '../../../src/runtime/create-gateway.ts';
import { describeWithDovecot } from './dovecot-suite.ts';
import { eventually, fakeContext } from './fake-context.ts';
import { ALICE, type CapturedMail, createMailWorld, type MailWorld } from './mail-world.ts';

/** Answers "<n>: <text>", n = how many user messages the session has seen. */
const countingAgent: Agent = {
  name: 'counting',
  async run(request) {
    const n = request.messages.filter((m) => m.role === 'user').length;
    const text = `${n}: ${lastUserText(request.messages)}`;
    return {
      text,
      usage: { inputTokens: 1, outputTokens: 1 },
      messages: [{ role: 'assistant', content: text }],
    };
  },
};

function refs(mail: CapturedMail): string[] {
  const r = mail.mail.references;
  return Array.isArray(r) ? r : r ? [r] : [];
}

describeWithDovecot('email threading', (dovecot) => {
  let world: MailWorld;
  let gateway: Gateway | undefined;
  let stateDir: string;
  const adapters: EmailAdapter[] = [];
  let results: IngestResult[];

  beforeEach(async () => {
    world = await createMailWorld(dovecot());
    stateDir = mkdtempSync(join(tmpdir(), 'hermes-email-state-'));
    results = [];
  });
  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
    for (const a of adapters.splice(0)) await a.stop();
    await world.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  async function boot(): Promise<EmailAdapter> {
    const adapter = new EmailAdapter(world.options({ stateDir }));
    const start = adapter.start.bind(adapter);
    adapter.start = (ctx: AdapterContext) =>
      start({
        ...ctx,
        ingest: async (m) => {
          const r = await ctx.ingest(m);
          results.push(r);
          return r;
        },
      });
    gateway = createGateway({ store: createMemoryStore(), agent: countingAgent, adapters: [adapter] });
    await gateway.start();
    return adapter;
  }

  it('threads replies with In-Reply-To, References and one "Re:"', async () => {
    await boot();
    const first = await world.send({ subject: 'Lunch', text: 'Lunch tomorrow?' });
    await eventually(() => expect(world.sent).toHaveLength(1));
    const reply = world.sent[0] as CapturedMail;
    expect(reply.rcpt).toEqual([ALICE]);
    expect(reply.mail.from?.value[0]?.address).toBe(world.botAddress);
    expect(reply.mail.subject).toBe('Re: Lunch');
    expect(reply.mail.inReplyTo).toBe(first);
    expect(refs(reply)).toEqual([first]);
    expect(reply.mail.headers.get('auto-submitted')).toBe('auto-replied');
    expect(reply.mail.text?.trim()).toBe('1: Lunch tomorrow?');

    // alice answers the bot's mail, as her mail client would
    const botId = reply.mail.messageId as string;
    const second = await world.send({
      subject: 'Re: Lunch',
      text: `Noon works.\n\nOn Tue, Hermes wrote:\n> 1: Lunch tomorrow?`,
      inReplyTo: botId,
      references: [first, botId],
    });
    await eventually(() => expect(world.sent).toHaveLength(2));
    const again = world.sent[1] as CapturedMail;
    expect(again.mail.subject).toBe('Re: Lunch');
    expect(again.mail.inReplyTo).toBe(second);
    expect(refs(again)).toEqual([first, botId, second]);
    expect(again.mail.text?.trim()).toBe('2: Noon works.');
  });

  it('keeps each thread of one sender in its own session', async () => {
    await boot();
    const a1 = await world.send({ subject: 'Topic A', text: 'a one' });
    await eventually(() => expect(world.sent).toHaveLength(1));
    const b1 = await world.send({ subject: 'Topic B', text: 'b one' });
    await eventually(() => expect(world.sent).toHaveLength(2));
    const a1Reply = world.sent[0]?.mail.messageId as string;
    await world.send({
      subject: 'Re: Topic A',
      text: 'a two',
      inReplyTo: a1Reply,
      references: [a1, a1Reply],
    });
    await eventually(() => expect(world.sent).toHaveLength(3));

    const seen = world.sent.map((s) => [s.mail.subject, s.mail.text?.trim(), refs(s)[0]]);
    expect(seen).toEqual([
      ['Re: Topic A', '1: a one', a1],
      ['Re: Topic B', '1: b one', b1],
      ['Re: Topic A', '2: a two', a1],
    ]);
    const keys = results.map((r) => r.sessionKey);
    expect(new Set(keys).size).toBe(2);
    expect(keys[0]).toBe(keys[2]);
  });

  it('recovers the subject and references of a thread after a restart (state file)', async () => {
    const fake = fakeContext();
    const first = new EmailAdapter(world.options({ stateDir }));
    adapters.push(first);
    await first.start(fake.ctx);
    const id = await world.send({
      subject: 'Invoice 42',
      text: 'Where is it?',
      references: ['<older@example.test>'],
      inReplyTo: '<older@example.test>',
    });
    await eventually(() => expect(fake.ingested).toHaveLength(1));
    await first.stop();

    const second = new EmailAdapter(world.options({ stateDir }));
    adapters.push(second);
    await second.start(fakeContext().ctx);
    await second.send(reply(fake.ingested[0]?.threadId as string, id));
    const [mail] = world.sent;
    expect(fake.ingested[0]?.threadId).toBe('<older@example.test>');
    expect(mail?.mail.subject).toBe('Re: Invoice 42');
    expect(mail?.mail.inReplyTo).toBe(id);
    expect(refs(mail as CapturedMail)).toEqual(['<older@example.test>', id]);
  });

  it('looks the answered mail up in the mailbox when it has no state', async () => {
    const id = await world.send({
      subject: 'Re: Re: Contract',
      text: 'Signed.',
      references: ['<root@example.test>'],
    });
    const adapter = new EmailAdapter(world.options());
    adapters.push(adapter);
    await adapter.start(fakeContext().ctx);
    await adapter.send(reply('<root@example.test>', id));
    const [mail] = world.sent;
    expect(mail?.mail.subject).toBe('Re: Contract');
    expect(mail?.mail.inReplyTo).toBe(id);
    expect(refs(mail as CapturedMail)).toEqual(['<root@example.test>', id]);
  });

  it('starts a new thread with its own subject when nothing is answered', async () => {
    const adapter = new EmailAdapter(world.options());
    adapters.push(adapter);
    await adapter.start(fakeContext().ctx);
    const result = await adapter.send({ ...reply(undefined, undefined), text: 'Your daily report' });
    const [mail] = world.sent;
    expect(mail?.mail.subject).toBe('Message from Hermes');
    expect(mail?.mail.inReplyTo).toBeUndefined();
    expect(mail?.mail.messageId).toBe(result.platformMessageId);
    expect(mail?.mail.headers.get('auto-submitted')).toBe('auto-replied');
  });
});

function reply(threadId: string | undefined, answered: string | undefined): OutboundMessage {
  return {
    chatId: ALICE,
    chatType: 'dm',
    ...(threadId ? { threadId } : {}),
    text: 'On it.',
    inReplyTo: answered ? [answered] : [],
    idempotencyKey: 'k1',
    sessionKey: `email:dm:${ALICE}`,
  };
}
