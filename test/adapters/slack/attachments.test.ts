/**
 * Files: a person's file arrives as an attachment of the right kind (a voice
 * clip as `voice`, a picture as `image`) whose bytes the adapter downloads
 * with the bot token; the bot token is never sent to a host that is not
 * Slack's; a reply's files go through Slack's external upload flow into the
 * thread they answer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/errors.ts';
import { WORKSPACE } from './fake/workspace.ts';
import { DM_CHANNEL, GENERAL, type RunningSlack, startSlack } from './harness.ts';
import { eventually } from './test-context.ts';

describe('slack: files', () => {
  let s: RunningSlack;
  afterEach(async () => {
    await s.close();
  });

  it('receives a voice clip and a picture with their kinds and bytes', async () => {
    s = await startSlack('socket');
    const voice = Buffer.from('OggS fake opus clip');
    const picture = Buffer.from('\x89PNG fake picture');
    await s.fake.userPosts({
      channel: DM_CHANNEL,
      text: '',
      file: { name: 'audio_message.ogg', mimetype: 'audio/ogg', data: voice },
    });
    await s.fake.userPosts({
      channel: DM_CHANNEL,
      text: 'look',
      file: { name: 'cat.png', mimetype: 'image/png', data: picture },
    });
    await eventually(() => expect(s.t.accepted).toHaveLength(2));
    const [first, second] = s.t.accepted.map((m) => m.attachments?.[0]);
    expect(first).toMatchObject({
      kind: 'voice',
      mimeType: 'audio/ogg',
      fileName: 'audio_message.ogg',
      sizeBytes: voice.length,
    });
    expect(second).toMatchObject({ kind: 'image', mimeType: 'image/png', fileName: 'cat.png' });
    expect(Buffer.from(await s.adapter.fetchAttachment(first!)).equals(voice)).toBe(true);
    expect(Buffer.from(await s.adapter.fetchAttachment(second!)).equals(picture)).toBe(true);
    // without the bot token Slack only shows its sign-in page
    const anonymous = await fetch(first!.url as string);
    expect(anonymous.headers.get('content-type')).toMatch(/^text\/html/);
    await anonymous.arrayBuffer();
  });

  it('refuses to send the bot token to a host that is not Slack', async () => {
    s = await startSlack('socket');
    const error = await s.adapter
      .fetchAttachment({ kind: 'file', url: 'https://files.example.com/steal-the-token' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect(error).toMatchObject({ retryable: false, details: { reason: 'foreign_file_host' } });
  });

  it('uploads reply files into the thread, after the text', async () => {
    s = await startSlack('socket');
    const parent = s.fake.seed({ channel: GENERAL, text: 'send me the report' });
    const sent = await s.adapter.send({
      chatId: GENERAL,
      chatType: 'thread',
      threadId: parent.ts,
      text: 'here it is',
      attachments: [
        {
          kind: 'file',
          fileName: 'report.txt',
          mimeType: 'text/plain',
          dataBase64: Buffer.from('all good').toString('base64'),
        },
      ],
      inReplyTo: [],
      idempotencyKey: 'files-1',
      sessionKey: `slack:thread:${GENERAL}:${parent.ts}`,
    });
    const posted = s.fake.botMessages(GENERAL);
    expect(posted.map((m) => [m.text, m.threadTs, m.files.map((f) => [f.name, f.data.toString()])])).toEqual([
      ['here it is', parent.ts, []],
      ['', parent.ts, [['report.txt', 'all good']]],
    ]);
    expect(sent.platformMessageId).toBe(`${GENERAL}:${posted[0]?.ts}`);
    expect(
      s.fake.callsOf('files.getUploadURLExternal').map((c) => [c.params.filename, c.params.length]),
    ).toEqual([['report.txt', '8']]);
    expect(s.fake.callsOf('files.completeUploadExternal')[0]?.token).toBe(WORKSPACE.botToken);
  });
});
