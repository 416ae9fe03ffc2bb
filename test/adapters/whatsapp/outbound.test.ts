/**
 * Sending: text split at 4096 characters, images and documents with their
 * bytes, typing presence, edits and deletes by message key, and send failures
 * turned into retryable or fatal `AdapterError`s.
 */
import { Boom } from '@hapi/boom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../src/adapters/contract.ts';
import { AdapterError } from '../../../src/errors.ts';
import { GROUP_JID, makeRig, seenMessages, testContext, USER_JID, type WhatsAppRig } from './harness.ts';

function reply(text: string, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    chatId: USER_JID,
    chatType: 'dm',
    text,
    inReplyTo: [],
    idempotencyKey: `k-${Math.random()}`,
    sessionKey: `whatsapp:dm:${USER_JID}`,
    ...extra,
  };
}

describe('sending', () => {
  let rig: WhatsAppRig;

  beforeEach(async () => {
    rig = await makeRig();
    await rig.adapter.start(testContext().ctx);
  });
  afterEach(() => rig.close());

  it('declares voice, images, files, typing and streaming, but no threads or reactions', () => {
    expect(rig.adapter.capabilities).toMatchObject({
      voice: true,
      images: true,
      files: true,
      threads: false,
      reactions: false,
      typing: true,
      streaming: true,
      edit: true,
      delete: true,
      maxMessageLength: 4096,
    });
  });

  it('sends text with sendMessage and returns "<jid>:<key id>"', async () => {
    const result = await rig.adapter.send(reply('hello'));
    expect(rig.fake.sent).toHaveLength(1);
    expect(rig.fake.sent[0]).toMatchObject({ jid: USER_JID, content: { text: 'hello' } });
    expect(result.platformMessageId).toBe(`${USER_JID}:${rig.fake.sent[0]?.key.id}`);
  });

  it('splits a long reply at 4096 characters', async () => {
    const words = Array.from({ length: 1000 }, (_, i) => `w${String(i).padStart(8, '0')}`);
    const result = await rig.adapter.send(reply(words.join(' ')));
    const parts = rig.fake.sent.map((c) => (c.content as { text: string }).text);
    expect(parts.length).toBe(3);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(4096);
    expect(parts.join(' ').split(/\s+/)).toEqual(words);
    expect(result.platformMessageIds).toHaveLength(3);
  });

  it('sends an image with the text as its caption', async () => {
    const jpeg = Buffer.from('ffd8ffe000104a464946', 'hex');
    await rig.adapter.send(
      reply('a chart', {
        attachments: [{ kind: 'image', mimeType: 'image/jpeg', dataBase64: jpeg.toString('base64') }],
      }),
    );
    expect(rig.fake.sent).toHaveLength(1);
    const content = rig.fake.sent[0]?.content as { image: Buffer; caption: string };
    expect(content.caption).toBe('a chart');
    expect(Buffer.isBuffer(content.image) && content.image.equals(jpeg)).toBe(true);
  });

  it('sends an Ogg/Opus voice note as push-to-talk audio, its text first (voice notes carry no caption)', async () => {
    const ogg = Buffer.from('OggS voice note');
    await rig.adapter.send(
      reply('time to stretch', {
        attachments: [
          { kind: 'voice', mimeType: 'audio/ogg', fileName: 'voice.ogg', dataBase64: ogg.toString('base64') },
        ],
      }),
    );
    expect(rig.fake.sent.map((m) => m.content)).toEqual([
      { text: 'time to stretch' },
      { audio: ogg, ptt: true, mimetype: 'audio/ogg; codecs=opus' },
    ]);
  });

  it('sends a document with its name and type, the long text before it', async () => {
    const csv = Buffer.from('a,b\n1,2\n');
    const text = 'x'.repeat(2000);
    await rig.adapter.send(
      reply(text, {
        chatId: GROUP_JID,
        chatType: 'group',
        attachments: [
          { kind: 'file', fileName: 'data.csv', mimeType: 'text/csv', dataBase64: csv.toString('base64') },
        ],
      }),
    );
    const seen = seenMessages(rig.fake, GROUP_JID);
    expect(seen.map((m) => m.text)).toEqual([text, '']);
    expect(seen[1]?.files).toEqual([{ kind: 'file', fileName: 'data.csv', mimeType: 'text/csv', data: csv }]);
  });

  it('shows typing with the composing presence, and clears it with the reply', async () => {
    await rig.adapter.sendTyping({ chatId: USER_JID, chatType: 'dm' });
    expect(rig.fake.presences).toEqual([['composing', USER_JID]]);
    await rig.adapter.send(reply('done'));
    expect(rig.fake.presences).toEqual([
      ['composing', USER_JID],
      ['paused', USER_JID],
    ]);
  });

  it('edits and deletes its messages by their key', async () => {
    const { platformMessageId } = await rig.adapter.send(reply('first'));
    const ref = { chatId: USER_JID, chatType: 'dm' as const, messageId: platformMessageId as string };
    await rig.adapter.edit(ref, 'second');
    const key = rig.fake.sent[0]?.key;
    expect(rig.fake.sent[1]?.content).toEqual({
      text: 'second',
      edit: { remoteJid: USER_JID, id: key?.id, fromMe: true },
    });
    expect(seenMessages(rig.fake, USER_JID).map((m) => m.text)).toEqual(['second']);
    await rig.adapter.delete(ref);
    expect(rig.fake.sent[2]?.content).toEqual({ delete: { remoteJid: USER_JID, id: key?.id, fromMe: true } });
    expect(seenMessages(rig.fake, USER_JID)).toEqual([]);
  });

  it.each([
    {
      what: 'a rate limit',
      failure: new Boom('rate-overlimit', { statusCode: 429 }),
      retryable: true,
      reason: 'rate_limited',
      code: 'http_429',
    },
    {
      what: 'a server error',
      failure: new Boom('Internal', { statusCode: 500 }),
      retryable: true,
      reason: 'upstream_5xx',
      code: 'http_500',
    },
    {
      what: 'a closed connection',
      failure: new Boom('Connection Closed', { statusCode: 428 }),
      retryable: true,
      reason: 'connection_lost',
      code: 'connection_closed',
    },
    {
      what: 'a network error',
      failure: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      retryable: true,
      reason: 'network',
      code: 'ECONNRESET',
    },
    {
      what: 'a refused message',
      failure: new Boom('bad-request', { statusCode: 400 }),
      retryable: false,
      reason: 'bad_request',
      code: 'status_400',
    },
    {
      what: 'a bug',
      failure: new TypeError('x is not a function'),
      retryable: false,
      reason: 'unknown',
      code: 'send_failed',
    },
  ])(
    'turns $what into an AdapterError (retryable: $retryable, $reason)',
    async ({ failure, retryable, reason, code }) => {
      rig.fake.failNextSend = failure;
      const error = await rig.adapter.send(reply('hi')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AdapterError);
      expect(error).toMatchObject({ retryable, platform: 'whatsapp', details: { reason, code } });
    },
  );
});
