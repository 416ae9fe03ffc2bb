/**
 * Thread round trip: a mention inside a thread arrives as a `thread` message
 * whose thread id is the parent's `ts`; the reply is posted with that
 * `thread_ts` (checked independently with @slack/web-api reading the thread);
 * after that, replies in the thread reach the bot without a mention.
 */
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../../src/adapters/contract.ts';
import { WORKSPACE } from './fake/workspace.ts';
import { GENERAL, type RunningSlack, startSlack } from './harness.ts';
import { eventually } from './test-context.ts';

describe('slack: threads', () => {
  let s: RunningSlack;
  afterEach(async () => {
    await s.close();
  });

  for (const mode of ['socket', 'http'] as const) {
    it(`answers in the thread it was asked in, then follows the thread (${mode})`, async () => {
      s = await startSlack(mode);
      const parent = s.fake.seed({ channel: GENERAL, text: 'deploy plan for friday' });
      const asked = await s.fake.userPosts({
        channel: GENERAL,
        text: `<@${WORKSPACE.botUserId}> summarise this thread`,
        threadTs: parent.ts,
      });
      await eventually(() => expect(s.t.accepted).toHaveLength(1));
      const inbound = s.t.accepted[0] as InboundMessage;
      expect(inbound).toMatchObject({
        chatType: 'thread',
        chatId: GENERAL,
        threadId: parent.ts,
        replyTo: `${GENERAL}:${parent.ts}`,
        platformMessageId: `${GENERAL}:${asked.ts}`,
        text: 'summarise this thread',
      });

      const sent = await s.adapter.send({
        chatId: inbound.chatId,
        chatType: inbound.chatType,
        threadId: inbound.threadId as string,
        text: 'Friday: deploy at 10, rollback plan ready.',
        inReplyTo: [inbound.platformMessageId],
        idempotencyKey: 'reply-1',
        sessionKey: `slack:thread:${GENERAL}:${parent.ts}`,
      });
      expect(sent.platformMessageId).toMatch(new RegExp(`^${GENERAL}:\\d+\\.\\d+$`));

      // what a person's Slack client shows in that thread
      const reader = new WebClient(WORKSPACE.userToken, {
        slackApiUrl: s.fake.apiUrl,
        retryConfig: { retries: 0 },
      });
      const thread = await reader.conversations.replies({ channel: GENERAL, ts: parent.ts });
      expect(thread.messages?.map((m) => [m.text, m.thread_ts, m.bot_id])).toEqual([
        ['deploy plan for friday', undefined, undefined],
        [`<@${WORKSPACE.botUserId}> summarise this thread`, parent.ts, undefined],
        ['Friday: deploy at 10, rollback plan ready.', parent.ts, WORKSPACE.botId],
      ]);

      await s.fake.userPosts({ channel: GENERAL, text: 'thanks, and the rollback?', threadTs: parent.ts });
      await eventually(() =>
        expect(s.t.accepted.map((m) => [m.chatType, m.threadId, m.text])).toEqual([
          ['thread', parent.ts, 'summarise this thread'],
          ['thread', parent.ts, 'thanks, and the rollback?'],
        ]),
      );
      // the adapter knew it was in the thread: it did not need to ask Slack
      expect(s.fake.callsOf('conversations.replies').filter((c) => c.token === WORKSPACE.botToken)).toEqual(
        [],
      );
    });
  }

  it('splits a long thread reply into parts that all stay in the thread', async () => {
    s = await startSlack('socket');
    const parent = s.fake.seed({ channel: GENERAL, text: 'long answer please' });
    const paragraph = `${'word '.repeat(2000).trim()}\n\n`;
    const text = paragraph.repeat(6);
    const sent = await s.adapter.send({
      chatId: GENERAL,
      chatType: 'thread',
      threadId: parent.ts,
      text,
      inReplyTo: [],
      idempotencyKey: 'long-1',
      sessionKey: `slack:thread:${GENERAL}:${parent.ts}`,
    });
    const posted = s.fake.botMessages(GENERAL);
    expect(posted.length).toBe(2);
    expect(sent.platformMessageIds).toEqual(posted.map((m) => `${GENERAL}:${m.ts}`));
    for (const m of posted) {
      expect(m.threadTs).toBe(parent.ts);
      expect(m.text.length).toBeLessThanOrEqual(40_000);
    }
    expect(
      posted
        .map((m) => m.text)
        .join('\n\n')
        .trim()
        .split(/\s+/),
    ).toEqual(text.trim().split(/\s+/));
  });
});
