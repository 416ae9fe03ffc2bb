/**
 * Reply composition at the platform's limits, once for every adapter: long text
 * is split, one file with a short text goes as a captioned file, several files
 * go one by one after the text, and only the first message quotes the one it answers.
 */
import { describe, expect, it } from 'vitest';
import type { Attachment, ChatRef, OutboundMessage } from '../../../src/adapters/contract.ts';
import { createAdapter, type FileSendOptions } from '../../../src/adapters/kit/index.ts';
import { FilesWire, MemoryWire } from './memory-wire.ts';

/** A wire that sends up to three files on one message (as Discord sends ten). */
class BatchWire extends MemoryWire {
  readonly batches: { files: string[]; caption?: string; replyTo?: string }[] = [];
  async sendFiles(_chat: ChatRef, files: Attachment[], options: FileSendOptions) {
    const { caption, replyTo } = options;
    this.batches.push({
      files: files.map((f) => f.fileName ?? '?'),
      ...(caption ? { caption } : {}),
      ...(replyTo ? { replyTo } : {}),
    });
    return `b${this.batches.length}`;
  }
}

const photo: Attachment = { kind: 'image', fileName: 'cat.png', mimeType: 'image/png', dataBase64: 'AA==' };
const doc: Attachment = { kind: 'file', fileName: 'notes.txt', mimeType: 'text/plain', dataBase64: 'AA==' };

function reply(text: string, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    chatId: 'g1',
    chatType: 'group',
    text,
    inReplyTo: ['in-1', 'in-2'],
    idempotencyKey: 'k',
    sessionKey: 's',
    ...extra,
  };
}

describe('reply composition', () => {
  it('splits a long text at the limit and quotes only on the first part', async () => {
    const wire = new MemoryWire({ maxMessageLength: 100 });
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ');
    const result = await createAdapter(wire).send(reply(words));
    const texts = wire.calls.map((c) => (c.op === 'sendText' ? c.text : ''));
    expect(texts.length).toBeGreaterThan(1);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(100);
    expect(texts.join(' ').split(/\s+/)).toEqual(words.split(' '));
    expect(wire.calls.map((c) => ('replyTo' in c ? c.replyTo : undefined))).toEqual([
      'in-2',
      ...texts.slice(1).map(() => undefined),
    ]);
    expect(result.platformMessageIds).toHaveLength(texts.length);
    expect(result.platformMessageId).toBe(result.platformMessageIds?.at(-1));
  });

  it('sends one file with a short text as one captioned message', async () => {
    const wire = new FilesWire({ maxMessageLength: 100, maxCaptionLength: 30 });
    await createAdapter(wire).send(reply('your cat', { attachments: [photo] }));
    expect(wire.calls).toEqual([
      {
        op: 'sendFile',
        chat: { chatId: 'g1', chatType: 'group' },
        file: 'cat.png',
        caption: 'your cat',
        replyTo: 'in-2',
      },
    ]);
  });

  it('sends a text too long for a caption before the file', async () => {
    const wire = new FilesWire({ maxMessageLength: 100, maxCaptionLength: 30 });
    const text = 'a caption that is longer than thirty characters';
    await createAdapter(wire).send(reply(text, { attachments: [photo] }));
    expect(
      wire.calls.map((c) => [
        c.op,
        'caption' in c ? c.caption : undefined,
        'replyTo' in c ? c.replyTo : undefined,
      ]),
    ).toEqual([
      ['sendText', undefined, 'in-2'],
      ['sendFile', undefined, undefined],
    ]);
  });

  it('sends several files one by one after the text, never as captions', async () => {
    const wire = new FilesWire({ maxMessageLength: 100, maxCaptionLength: 30 });
    const result = await createAdapter(wire).send(reply('two files', { attachments: [photo, doc] }));
    expect(
      wire.calls.map((c) =>
        c.op === 'sendFile' ? `${c.file}:${c.caption ?? ''}` : `text:${'text' in c ? c.text : ''}`,
      ),
    ).toEqual(['text:two files', 'cat.png:', 'notes.txt:']);
    expect(result.platformMessageIds).toHaveLength(3);
  });

  it('a wire without files names each file in the text instead of dropping it silently', async () => {
    const wire = new MemoryWire({ maxMessageLength: 100 });
    const adapter = createAdapter(wire);
    expect(adapter.capabilities.files).toBe(false);
    await adapter.send(reply('here', { attachments: [doc] }));
    expect(wire.calls.map((c) => (c.op === 'sendText' ? c.text : ''))).toEqual([
      'here\n[file not sent: notes.txt]',
    ]);
  });

  it('an empty reply sends nothing', async () => {
    const wire = new MemoryWire();
    expect(await createAdapter(wire).send(reply('  '))).toEqual({});
    expect(wire.calls).toEqual([]);
  });

  it('groups files where the platform takes several on one message, the short text as the caption', async () => {
    const wire = new BatchWire({ maxMessageLength: 100, maxCaptionLength: 100, maxFilesPerMessage: 3 });
    const adapter = createAdapter(wire);
    expect(adapter.capabilities.files).toBe(true);
    await adapter.send(reply('three files', { attachments: [photo, doc, photo] }));
    expect(wire.batches).toEqual([
      { files: ['cat.png', 'notes.txt', 'cat.png'], caption: 'three files', replyTo: 'in-2' },
    ]);
    const more = new BatchWire({ maxMessageLength: 100, maxCaptionLength: 100, maxFilesPerMessage: 3 });
    const result = await createAdapter(more).send(
      reply('four files', { attachments: [photo, doc, photo, doc] }),
    );
    expect(more.calls.map((c) => (c.op === 'sendText' ? c.text : ''))).toEqual(['four files']);
    expect(more.batches.map((b) => b.files.length)).toEqual([3, 1]);
    expect(result.platformMessageIds).toHaveLength(3);
  });
});
