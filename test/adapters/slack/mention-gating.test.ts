/**
 * When the bot answers: always in a DM; in a channel only when mentioned or in
 * a thread it takes part in, unless `require_mention: false`. The mention is
 * taken out of the text, and Slack's double delivery of a mention (`message`
 * plus `app_mention`) is ingested once. Ignored messages are still acknowledged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WORKSPACE } from './fake/workspace.ts';
import { DM_CHANNEL, GENERAL, PRIVATE_CHANNEL, type RunningSlack, startSlack } from './harness.ts';
import { eventually } from './test-context.ts';

const MENTION = `<@${WORKSPACE.botUserId}>`;

describe('slack: answering in channels', () => {
  let s: RunningSlack;
  afterEach(async () => {
    await s.close();
  });

  it('ignores a channel message without a mention, but acknowledges it', async () => {
    s = await startSlack('socket');
    const { deliveries } = await s.fake.userPosts({ channel: GENERAL, text: 'just chatting among people' });
    await Promise.all(deliveries.map((d) => d.acknowledged));
    // a DM sent afterwards arrives first and alone: the channel message was dropped
    await s.fake.userPosts({ channel: DM_CHANNEL, text: 'now a DM' });
    await eventually(() => expect(s.t.calls.map((m) => m.text)).toEqual(['now a DM']));
  });

  it('answers a mention, without the mention, once although Slack sends message and app_mention', async () => {
    s = await startSlack('socket');
    const { ts, deliveries } = await s.fake.userPosts({
      channel: GENERAL,
      text: `${MENTION} what is the time?`,
    });
    expect(deliveries.map((d) => d.body.event.type)).toEqual(['message', 'app_mention']);
    await Promise.all(deliveries.map((d) => d.acknowledged));
    expect(s.t.calls).toHaveLength(1);
    expect(s.t.calls[0]).toMatchObject({
      platform: 'slack',
      chatType: 'group',
      chatId: GENERAL,
      text: 'what is the time?',
      userId: 'U0ALICE01',
      userName: 'alice',
      platformMessageId: `${GENERAL}:${ts}`,
    });
    expect(s.t.calls[0]?.threadId).toBeUndefined();
  });

  it('answers in a private channel when mentioned in the middle of a sentence', async () => {
    s = await startSlack('socket');
    await s.fake.userPosts({ channel: PRIVATE_CHANNEL, text: `hey ${MENTION} can you help?` });
    await eventually(() =>
      expect(s.t.calls.map((m) => [m.chatType, m.text])).toEqual([['group', 'hey can you help?']]),
    );
  });

  it('answers a reply without a mention in a thread the bot already posted in', async () => {
    s = await startSlack('socket');
    const parent = s.fake.seed({ channel: GENERAL, text: 'question for the team' });
    s.fake.seed({
      channel: GENERAL,
      text: 'an earlier answer of the bot',
      user: WORKSPACE.botUserId,
      botId: WORKSPACE.botId,
      threadTs: parent.ts,
    });
    const other = s.fake.seed({ channel: GENERAL, text: 'a thread without the bot' });
    const ignored = await s.fake.userPosts({
      channel: GENERAL,
      text: 'nobody asked the bot',
      threadTs: other.ts,
    });
    await Promise.all(ignored.deliveries.map((d) => d.acknowledged));
    await s.fake.userPosts({ channel: GENERAL, text: 'and a follow-up', threadTs: parent.ts });
    await eventually(() =>
      expect(s.t.calls.map((m) => [m.chatType, m.threadId, m.text])).toEqual([
        ['thread', parent.ts, 'and a follow-up'],
      ]),
    );
    // the adapter asked Slack which threads the bot is in (it had not posted there since it started)
    expect(
      s.fake
        .callsOf('conversations.replies')
        .map((c) => c.params.ts)
        .sort(),
    ).toEqual([parent.ts, other.ts].sort());
  });

  it('answers every channel message when require_mention is false', async () => {
    s = await startSlack('socket', { requireMention: false });
    await s.fake.userPosts({ channel: GENERAL, text: 'no mention here' });
    await eventually(() => expect(s.t.calls.map((m) => m.text)).toEqual(['no mention here']));
  });

  it('always answers a direct message', async () => {
    s = await startSlack('socket');
    await s.fake.userPosts({ channel: DM_CHANNEL, text: 'hello bot' });
    await eventually(() =>
      expect(s.t.calls.map((m) => [m.chatType, m.chatId, m.text])).toEqual([['dm', DM_CHANNEL, 'hello bot']]),
    );
  });

  it("ignores the bot's own posts, edits and deletions echoed back by Slack", async () => {
    s = await startSlack('socket', { requireMention: false });
    const sent = await s.adapter.send({
      chatId: GENERAL,
      chatType: 'group',
      text: 'posted by the bot',
      inReplyTo: [],
      idempotencyKey: 'k1',
      sessionKey: 'slack:group:C0GENERAL',
    });
    const ref = { chatId: GENERAL, chatType: 'group' as const, messageId: sent.platformMessageId as string };
    await s.adapter.edit(ref, 'edited by the bot');
    await s.adapter.delete(ref);
    await Promise.all(s.fake.deliveries.map((d) => d.acknowledged));
    expect(s.fake.deliveries.map((d) => d.body.event.subtype)).toEqual([
      undefined,
      'message_changed',
      'message_deleted',
    ]);
    await s.fake.userPosts({ channel: GENERAL, text: 'a person speaks' });
    await eventually(() => expect(s.t.calls.map((m) => m.text)).toEqual(['a person speaks']));
  });
});
