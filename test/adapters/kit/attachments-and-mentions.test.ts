/**
 * The helpers every adapter shares: an inbound file is downloaded with a size
 * cap (a file over it is refused, not half-read), HTTP failures of the download
 * are classified, each message of a reply carries the reply's idempotency key
 * and its place, and the group mention rule is the same on every platform.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Attachment, ChatRef } from '../../../src/adapters/contract.ts';
import {
  createAdapter,
  DownloadError,
  downloadAttachment,
  type FileSendOptions,
  type SendOptions,
  shouldAnswer,
} from '../../../src/adapters/kit/index.ts';
import { MemoryWire } from './memory-wire.ts';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** Serves `size` bytes at /file (chunked, no length header when `chunked`), 404 elsewhere. */
async function fileServer(size: number, chunked = false): Promise<string> {
  server = createServer((req, res) => {
    if (req.url !== '/file') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, chunked ? {} : { 'content-length': String(size) });
    res.end(Buffer.alloc(size, 7));
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('attachment download', () => {
  it('returns the bytes of a file under the cap', async () => {
    const url = await fileServer(1000);
    const bytes = await downloadAttachment(`${url}/file`, { maxBytes: 1000 });
    expect(bytes.byteLength).toBe(1000);
  });

  it('refuses a file over the cap, by its length or while it streams', async () => {
    for (const chunked of [false, true]) {
      const url = await fileServer(5000, chunked);
      const error = await downloadAttachment(`${url}/file`, { maxBytes: 1000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DownloadError);
      expect((error as DownloadError).failure.reason).toBe('too_large');
      await new Promise<void>((r) => server?.close(() => r()));
      server = undefined;
    }
  });

  it("a wire's failed download reaches the gateway classified: gone files are not retried", async () => {
    const url = await fileServer(10);
    class FetchingWire extends MemoryWire {
      fetchAttachment(attachment: Attachment) {
        return downloadAttachment(attachment.url as string);
      }
    }
    const adapter = createAdapter(new FetchingWire());
    const error = await adapter
      .fetchAttachment?.({ kind: 'file', url: `${url}/gone` })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: false, details: { reason: 'not_found', code: 'http_404' } });
  });
});

describe('what each send primitive is told', () => {
  it("every message of a reply carries the reply's idempotency key and its place", async () => {
    const seen: string[] = [];
    class KeyedWire extends MemoryWire {
      override async sendText(_chat: ChatRef, _text: string, options: SendOptions) {
        seen.push(`${options.idempotencyKey}/${options.part}`);
        return options.part ?? '';
      }
      async sendFile(_chat: ChatRef, _file: Attachment, options: FileSendOptions) {
        seen.push(`${options.idempotencyKey}/${options.part}`);
        return options.part ?? '';
      }
    }
    const wire = new KeyedWire({ maxMessageLength: 20 });
    const file: Attachment = { kind: 'file', fileName: 'a.txt', dataBase64: 'AA==' };
    await createAdapter(wire).send({
      chatId: 'c',
      chatType: 'dm',
      text: 'one two three four five six seven',
      attachments: [file, file],
      inReplyTo: [],
      idempotencyKey: 'reply-9',
      sessionKey: 's',
    });
    expect(seen).toEqual(['reply-9/0', 'reply-9/1', 'reply-9/f0', 'reply-9/f1']);
  });
});

describe('mention gating', () => {
  it('answers every direct message, and in groups only when addressed unless mentions are off', () => {
    expect(shouldAnswer({ chatType: 'dm', mentioned: false })).toBe(true);
    expect(shouldAnswer({ chatType: 'group', mentioned: false })).toBe(false);
    expect(shouldAnswer({ chatType: 'group', mentioned: true })).toBe(true);
    expect(shouldAnswer({ chatType: 'thread', mentioned: false, repliesToBot: true })).toBe(true);
    expect(shouldAnswer({ chatType: 'group', mentioned: false, isCommand: true })).toBe(true);
    expect(shouldAnswer({ chatType: 'channel', mentioned: false, requireMention: false })).toBe(true);
  });
});
