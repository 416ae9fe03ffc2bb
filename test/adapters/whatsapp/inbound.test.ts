/**
 * Receiving: WAProto messages emitted as `messages.upsert` become normalised
 * inbound messages (DMs and groups, senders as phone numbers, quotes, images
 * and documents with their bytes fetched from the media host and decrypted),
 * and what the agent should not see is skipped.
 */
import { proto } from 'baileys';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { whatsappUserId } from '../../../src/adapters/whatsapp/index.ts';
import {
  GROUP_JID,
  MEMBER_JID,
  makeRig,
  type TestContext,
  testContext,
  USER_JID,
  USER_NUMBER,
  type WhatsAppRig,
} from './harness.ts';
import { userMessage } from './wa-messages.ts';

describe('receiving messages', () => {
  let rig: WhatsAppRig;
  let t: TestContext;

  beforeEach(async () => {
    rig = await makeRig();
    t = testContext();
    await rig.adapter.start(t.ctx);
  });
  afterEach(() => rig.close());

  it('normalises a direct message: chat, sender number, name, text and message id', async () => {
    const wa = userMessage({ chat: USER_JID, text: 'hi there', pushName: 'Ana' });
    rig.fake.deliver([wa]);
    await t.ingestedCount(1);
    expect(t.ingested[0]).toEqual({
      platform: 'whatsapp',
      chatType: 'dm',
      chatId: USER_JID,
      userId: USER_NUMBER,
      userName: 'Ana',
      text: 'hi there',
      platformMessageId: `${USER_JID}:${wa.key.id}`,
    });
  });

  it('normalises a group message with the participant as the sender', async () => {
    const wa = userMessage({ chat: GROUP_JID, participant: MEMBER_JID, text: 'hello group', pushName: 'Bo' });
    rig.fake.deliver([wa]);
    await t.ingestedCount(1);
    expect(t.ingested[0]).toMatchObject({
      chatType: 'group',
      chatId: GROUP_JID,
      userId: '15550000002',
      userName: 'Bo',
      platformMessageId: `${GROUP_JID}:${wa.key.id}`,
    });
  });

  it('names a LID participant by the phone number WhatsApp gives beside it', async () => {
    rig.fake.deliver([
      userMessage({
        chat: GROUP_JID,
        participant: '201234567890123@lid',
        participantAlt: '15550000003@s.whatsapp.net',
        text: 'from a lid',
      }),
      userMessage({ chat: GROUP_JID, participant: '209876543210987@lid', text: 'lid only' }),
    ]);
    await t.ingestedCount(2);
    expect(t.ingested.map((m) => m.userId)).toEqual(['15550000003', '209876543210987@lid']);
  });

  it('passes the quoted message as replyTo', async () => {
    rig.fake.deliver([userMessage({ chat: USER_JID, text: 'about that', quotedId: 'ABCDEF0123' })]);
    await t.ingestedCount(1);
    expect(t.ingested[0]?.replyTo).toBe(`${USER_JID}:ABCDEF0123`);
  });

  it('receives an image with its caption and decrypted bytes', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const media = await rig.media.upload({ kind: 'image', data: png, mimeType: 'image/png' });
    rig.fake.deliver([userMessage({ chat: USER_JID, text: 'look', media })]);
    await t.ingestedCount(1);
    const [message] = t.ingested;
    expect(message?.text).toBe('look');
    expect(message?.attachments).toEqual([
      {
        kind: 'image',
        mimeType: 'image/png',
        fileName: 'image.png',
        sizeBytes: png.length,
        dataBase64: png.toString('base64'),
      },
    ]);
    expect(rig.media.downloads).toBe(1);
  });

  it('receives a document without a caption, with its name and bytes', async () => {
    const pdf = Buffer.from('%PDF-1.4\n'.repeat(100));
    const media = await rig.media.upload({
      kind: 'document',
      data: pdf,
      mimeType: 'application/pdf',
      fileName: 'report.pdf',
    });
    rig.fake.deliver([userMessage({ chat: GROUP_JID, participant: MEMBER_JID, media })]);
    await t.ingestedCount(1);
    const [attachment] = t.ingested[0]?.attachments ?? [];
    expect(t.ingested[0]?.text).toBe('');
    expect(attachment).toMatchObject({ kind: 'file', fileName: 'report.pdf', mimeType: 'application/pdf' });
    expect(Buffer.from(attachment?.dataBase64 ?? '', 'base64').equals(pdf)).toBe(true);
  });

  it('tells the agent when a file is too large to keep', async () => {
    await rig.close();
    rig = await makeRig({ adapter: { maxMediaBytes: 10 } });
    await rig.adapter.start(t.ctx);
    const media = await rig.media.upload({
      kind: 'document',
      data: Buffer.alloc(100, 1),
      mimeType: 'application/zip',
      fileName: 'big.zip',
    });
    rig.fake.deliver([userMessage({ chat: USER_JID, text: 'here', media })]);
    await t.ingestedCount(1);
    expect(t.ingested[0]?.text).toBe('here\n[the file big.zip is too large to read (100 bytes)]');
    expect(t.ingested[0]?.attachments?.[0]).toEqual({
      kind: 'file',
      mimeType: 'application/zip',
      fileName: 'big.zip',
      sizeBytes: 100,
    });
    expect(rig.media.downloads).toBe(0);
  });

  it('unwraps disappearing messages', async () => {
    const raw = proto.Message.fromObject({
      ephemeralMessage: { message: { extendedTextMessage: { text: 'vanishing' } } },
    });
    rig.fake.deliver([userMessage({ chat: USER_JID, raw })]);
    await t.ingestedCount(1);
    expect(t.ingested[0]?.text).toBe('vanishing');
  });

  it('skips its own messages, status updates, reactions, protocol messages and history', async () => {
    rig.fake.deliver([
      userMessage({ chat: USER_JID, text: 'typed on the phone', fromMe: true }),
      userMessage({ chat: 'status@broadcast', participant: MEMBER_JID, text: 'my status' }),
      userMessage({
        chat: USER_JID,
        raw: { reactionMessage: { key: { remoteJid: USER_JID, id: 'X1', fromMe: true }, text: '👍' } },
      }),
      userMessage({
        chat: USER_JID,
        raw: { protocolMessage: { key: { remoteJid: USER_JID, id: 'X1' }, type: 0 } },
      }),
    ]);
    rig.fake.deliver([userMessage({ chat: USER_JID, text: 'old message from history' })], 'append');
    rig.fake.deliver([userMessage({ chat: USER_JID, text: 'the real one' })]);
    // messages are handled in order: once the last one is in, the others were skipped
    await t.ingestedCount(1);
    expect(t.ingested.map((m) => m.text)).toEqual(['the real one']);
  });

  it('marks a message read once accepted, and not when the gate refused the sender', async () => {
    t.refuse = (m) => (m.userId === '15559999999' ? 'ignore' : undefined);
    const stranger = userMessage({ chat: '15559999999@s.whatsapp.net', text: 'stranger' });
    const accepted = userMessage({ chat: USER_JID, text: 'accepted' });
    rig.fake.deliver([stranger, accepted]);
    await vi.waitFor(() => expect(rig.fake.read.map((k) => k.id)).toContain(accepted.key.id));
    expect(rig.fake.read.map((k) => k.id)).toEqual([accepted.key.id]);
  });

  it('keeps the order of messages that arrive together', async () => {
    rig.fake.deliver(['one', 'two', 'three'].map((text) => userMessage({ chat: USER_JID, text })));
    await t.ingestedCount(3);
    expect(t.ingested.map((m) => m.text)).toEqual(['one', 'two', 'three']);
  });
});

describe('whatsappUserId', () => {
  it('is the phone number of a phone-number jid, without the device', () => {
    expect(whatsappUserId('4915112345678:12@s.whatsapp.net')).toBe('4915112345678');
  });
  it('is the normalised jid of a LID', () => {
    expect(whatsappUserId('201234567890123:4@lid')).toBe('201234567890123@lid');
  });
});
