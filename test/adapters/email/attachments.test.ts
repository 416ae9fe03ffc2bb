import { afterEach, beforeEach, expect, it } from 'vitest';
import { EmailAdapter } from '../../../src/adapters/email/index.ts';
import { describeWithDovecot } from './dovecot-suite.ts';
import { eventually, fakeContext } from './fake-context.ts';
import { ALICE, createMailWorld, type MailWorld } from './mail-world.ts';

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describeWithDovecot('email attachments', (dovecot) => {
  let world: MailWorld;
  let adapter: EmailAdapter | undefined;

  beforeEach(async () => {
    world = await createMailWorld(dovecot());
  });
  afterEach(async () => {
    await adapter?.stop();
    await world.close();
  });

  it('receives images as images and other files as files, with their bytes', async () => {
    const fake = fakeContext();
    adapter = new EmailAdapter(world.options());
    await adapter.start(fake.ctx);
    const pdf = Buffer.from('%PDF-1.4 tiny\n');
    await world.send({
      text: 'photo and invoice',
      attachments: [
        { filename: 'dot.png', content: PNG, contentType: 'image/png' },
        { filename: 'invoice.pdf', content: pdf, contentType: 'application/pdf' },
      ],
    });
    await eventually(() => expect(fake.ingested).toHaveLength(1));
    const files = fake.ingested[0]?.attachments ?? [];
    expect(files.map((f) => [f.kind, f.fileName, f.mimeType, f.sizeBytes])).toEqual([
      ['image', 'dot.png', 'image/png', PNG.length],
      ['file', 'invoice.pdf', 'application/pdf', pdf.length],
    ]);
    expect(Buffer.from(files[0]?.dataBase64 ?? '', 'base64').equals(PNG)).toBe(true);
    expect(Buffer.from(files[1]?.dataBase64 ?? '', 'base64').equals(pdf)).toBe(true);
  });

  it('leaves out a file over the size limit and tells the agent', async () => {
    const fake = fakeContext();
    adapter = new EmailAdapter(world.options({ maxAttachmentBytes: 1024 }));
    await adapter.start(fake.ctx);
    await world.send({
      text: 'big one',
      attachments: [
        { filename: 'big.bin', content: Buffer.alloc(4096, 7), contentType: 'application/octet-stream' },
      ],
    });
    await eventually(() => expect(fake.ingested).toHaveLength(1));
    expect(fake.ingested[0]?.attachments).toBeUndefined();
    expect(fake.ingested[0]?.text).toMatch(
      /^big one\n\n\[Attachments too large to pass on: big\.bin \(4 KB\)\]$/,
    );
  });

  it('sends images and files with the reply', async () => {
    adapter = new EmailAdapter(world.options());
    await adapter.start(fakeContext().ctx);
    const csv = Buffer.from('a,b\n1,2\n');
    await adapter.send({
      chatId: ALICE,
      chatType: 'dm',
      text: 'chart and data',
      attachments: [
        { kind: 'image', fileName: 'chart.png', mimeType: 'image/png', dataBase64: PNG.toString('base64') },
        { kind: 'file', fileName: 'data.csv', mimeType: 'text/csv', dataBase64: csv.toString('base64') },
      ],
      inReplyTo: [],
      idempotencyKey: 'att-1',
      sessionKey: `email:dm:${ALICE}`,
    });
    const [mail] = world.sent;
    expect(mail?.mail.text?.trim()).toBe('chart and data');
    const files = mail?.mail.attachments ?? [];
    expect(files.map((f) => [f.filename, f.contentType])).toEqual([
      ['chart.png', 'image/png'],
      ['data.csv', 'text/csv'],
    ]);
    expect(files[0]?.content.equals(PNG)).toBe(true);
    expect(files[1]?.content.equals(csv)).toBe(true);
  });
});
