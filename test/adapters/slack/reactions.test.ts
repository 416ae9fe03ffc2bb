/**
 * Reactions, edits and deletions of messages: `reactions.add` with Slack's
 * emoji names (a Unicode 👀 becomes `eyes`), `chat.update` and `chat.delete`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageRef } from '../../../src/adapters/contract.ts';
import { AdapterError } from '../../../src/errors.ts';
import { WORKSPACE } from './fake/workspace.ts';
import { DM_CHANNEL, type RunningSlack, startSlack } from './harness.ts';

describe('slack: reactions, edits and deletions', () => {
  let s: RunningSlack;
  afterEach(async () => {
    await s.close();
  });

  async function userMessage(text: string): Promise<MessageRef> {
    const { ts, deliveries } = await s.fake.userPosts({ channel: DM_CHANNEL, text });
    await Promise.all(deliveries.map((d) => d.acknowledged));
    return { chatId: DM_CHANNEL, chatType: 'dm', messageId: `${DM_CHANNEL}:${ts}` };
  }

  it('reacts with Slack names for Unicode emoji and :names:', async () => {
    s = await startSlack('socket');
    const ref = await userMessage('please look at this');
    await s.adapter.react(ref, '👀');
    await s.adapter.react(ref, ':tada:');
    await s.adapter.react(ref, '✅');
    const stored = s.fake.messages.find((m) => `${m.channel}:${m.ts}` === ref.messageId);
    expect(stored?.reactions).toEqual([
      { name: 'eyes', users: [WORKSPACE.botUserId] },
      { name: 'tada', users: [WORKSPACE.botUserId] },
      { name: 'white_check_mark', users: [WORKSPACE.botUserId] },
    ]);
    expect(s.fake.callsOf('reactions.add').map((c) => c.params)).toEqual([
      { channel: DM_CHANNEL, timestamp: ref.messageId.split(':')[1], name: 'eyes' },
      { channel: DM_CHANNEL, timestamp: ref.messageId.split(':')[1], name: 'tada' },
      { channel: DM_CHANNEL, timestamp: ref.messageId.split(':')[1], name: 'white_check_mark' },
    ]);
  });

  it('treats reacting twice as done, and refuses an emoji Slack has no name for', async () => {
    s = await startSlack('socket');
    const ref = await userMessage('hi');
    await s.adapter.react(ref, '👀');
    await expect(s.adapter.react(ref, '👀')).resolves.toBeUndefined();
    const refused = await s.adapter.react(ref, '🦩🦩').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AdapterError);
    expect(refused).toMatchObject({ retryable: false, details: { reason: 'invalid_name' } });
  });

  it('edits and deletes its own message', async () => {
    s = await startSlack('socket');
    const sent = await s.adapter.send({
      chatId: DM_CHANNEL,
      chatType: 'dm',
      text: 'first <draft> & more',
      inReplyTo: [],
      idempotencyKey: 'edit-1',
      sessionKey: 'slack:dm:D0ALICE01',
    });
    const ref: MessageRef = {
      chatId: DM_CHANNEL,
      chatType: 'dm',
      messageId: sent.platformMessageId as string,
    };
    expect(s.fake.botMessages(DM_CHANNEL).map((m) => m.text)).toEqual(['first &lt;draft&gt; &amp; more']);
    await s.adapter.edit(ref, 'final answer');
    expect(s.fake.botMessages(DM_CHANNEL).map((m) => [m.text, m.editTimes.length])).toEqual([
      ['final answer', 1],
    ]);
    await s.adapter.delete(ref);
    expect(s.fake.botMessages(DM_CHANNEL)).toEqual([]);
    // deleting what is already gone is not an error
    await expect(s.adapter.delete(ref)).resolves.toBeUndefined();
  });
});
