/**
 * Media both ways: files the human sends arrive as attachments with their
 * mxc:// URI and download with the bot's token (authenticated media); files the
 * bot sends are uploaded and reach the human as m.image / m.audio / m.file.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMatrixWorld, type MatrixWorld, type TestContext, testContext } from './matrix-world.ts';

const eventually = (check: () => unknown) => vi.waitFor(check, { timeout: 10_000, interval: 25 });

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const OGG = Buffer.from('OggS\u0000\u0002 a tiny voice note');

describe('matrix: media', () => {
  let world: MatrixWorld;
  let t: TestContext;
  beforeEach(async () => {
    world = await createMatrixWorld();
    t = testContext();
    await world.adapter.start(t.ctx);
  });
  afterEach(() => world.close());

  it('an image and a voice note come in as attachments and download with the bot token', async () => {
    await world.peer.userSends(world.dm, '', {
      kind: 'image',
      fileName: 'dot.png',
      mimeType: 'image/png',
      data: PNG,
    });
    await world.peer.userSends(world.dm, '', {
      kind: 'voice',
      fileName: 'note.ogg',
      mimeType: 'audio/ogg',
      data: OGG,
    });
    await eventually(() => expect(t.inbound).toHaveLength(2));
    const [image, voice] = t.inbound.map((m) => m.attachments?.[0]);
    expect(image).toMatchObject({
      kind: 'image',
      mimeType: 'image/png',
      fileName: 'dot.png',
      sizeBytes: PNG.length,
    });
    expect(image?.url).toMatch(/^mxc:\/\/localhost\//);
    expect(voice).toMatchObject({ kind: 'voice', mimeType: 'audio/ogg', fileName: 'note.ogg' });
    expect(t.inbound.map((m) => m.text)).toEqual(['', '']);
    const before = world.hs.requests.length;
    expect(Buffer.from(await world.adapter.fetchAttachment(image as never)).equals(PNG)).toBe(true);
    expect(Buffer.from(await world.adapter.fetchAttachment(voice as never)).equals(OGG)).toBe(true);
    const downloads = world.hs.requests.slice(before).filter((r) => r.path.includes('/download/'));
    expect(downloads.map((r) => [r.path.split('/download/')[0], r.status])).toEqual([
      ['/_matrix/client/v1/media', 200],
      ['/_matrix/client/v1/media', 200],
    ]);
  });

  it('a caption is the text of a file message', async () => {
    const data = Buffer.from('a,b\n1,2\n');
    await world.peer.userSends(world.group, 'numbers for Q3', {
      kind: 'file',
      fileName: 'q3.csv',
      mimeType: 'text/csv',
      data,
    });
    await eventually(() => expect(t.inbound).toHaveLength(1));
    expect(t.inbound[0]).toMatchObject({
      text: 'numbers for Q3',
      attachments: [{ kind: 'file', fileName: 'q3.csv' }],
    });
  });

  it('sends an image and a voice note the human can download, in the thread it answers', async () => {
    await world.adapter.send({
      chatId: world.group.id,
      chatType: 'group',
      threadId: world.thread.threadId as string,
      text: 'chart and summary',
      attachments: [
        { kind: 'image', fileName: 'chart.png', mimeType: 'image/png', dataBase64: PNG.toString('base64') },
        { kind: 'voice', fileName: 'summary.ogg', mimeType: 'audio/ogg', dataBase64: OGG.toString('base64') },
      ],
      inReplyTo: [],
      idempotencyKey: 'media-1',
      sessionKey: 's',
    });
    await eventually(async () => {
      const seen = await world.peer.botMessages(world.group);
      expect(
        seen.map((m) => [m.text, m.threadId, m.files.map((f) => [f.kind, f.fileName, f.data.length])]),
      ).toEqual([
        ['chart and summary', world.thread.threadId, []],
        ['chart.png', world.thread.threadId, [['image', 'chart.png', PNG.length]]],
        ['summary.ogg', world.thread.threadId, [['voice', 'summary.ogg', OGG.length]]],
      ]);
    });
    const files = (await world.peer.botMessages(world.group)).flatMap((m) => m.files);
    expect(files[0]?.data.equals(PNG)).toBe(true);
    expect(files[1]?.data.equals(OGG)).toBe(true);
    const voice = world.peer
      .timeline(world.group.id)
      .find((e) => e.getSender() === world.botUserId && e.getContent().msgtype === 'm.audio');
    expect(voice?.getContent()).toMatchObject({
      info: { mimetype: 'audio/ogg', size: OGG.length },
      'org.matrix.msc3245.voice': {},
    });
  });
});
