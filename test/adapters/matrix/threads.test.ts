/**
 * Threads, replies and what counts as a new message: thread ids round-trip
 * with the m.thread relation, replies name the message they answer, and
 * history from before the adapter started is not answered.
 */
import { EventType, MsgType, RelationType } from 'matrix-js-sdk';
import type { RoomMessageEventContent } from 'matrix-js-sdk/lib/@types/events.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMatrixWorld, type MatrixWorld, type TestContext, testContext } from './matrix-world.ts';

const eventually = (check: () => unknown) => vi.waitFor(check, { timeout: 10_000, interval: 25 });

describe('matrix: threads and replies', () => {
  let world: MatrixWorld;
  let t: TestContext;
  beforeEach(async () => {
    world = await createMatrixWorld();
    t = testContext();
  });
  afterEach(() => world.close());

  it('a thread message comes in with the root as thread id, and the answer lands in that thread', async () => {
    await world.adapter.start(t.ctx);
    const asked = await world.peer.userSends(world.thread, 'what about the changelog?');
    await eventually(() => expect(t.inbound).toHaveLength(1));
    const inbound = t.inbound[0];
    expect(inbound).toMatchObject({
      chatType: 'group',
      chatId: world.group.id,
      threadId: world.thread.threadId,
      userId: world.aliceId,
      userName: 'Alice',
      text: 'what about the changelog?',
      platformMessageId: asked,
    });
    // a thread's fallback reply is not a real reply
    expect(inbound?.replyTo).toBeUndefined();

    const sent = await world.adapter.send({
      chatId: world.group.id,
      chatType: 'group',
      threadId: inbound?.threadId as string,
      text: 'it is done',
      inReplyTo: [asked],
      idempotencyKey: 'thread-1',
      sessionKey: 's',
    });
    await eventually(async () => {
      const seen = await world.peer.botMessages(world.group);
      expect(seen.map((m) => [m.text, m.threadId])).toEqual([['it is done', world.thread.threadId]]);
    });
    const event = world.alice.getRoom(world.group.id)?.findEventById(sent.platformMessageId as string);
    expect(event?.getWireContent()['m.relates_to']).toEqual({
      rel_type: 'm.thread',
      event_id: world.thread.threadId,
      is_falling_back: true,
      'm.in_reply_to': { event_id: asked },
    });
  });

  it('a reply names the message it answers, without the quoted fallback', async () => {
    await world.adapter.start(t.ctx);
    const sent = await world.adapter.send({
      chatId: world.dm.id,
      chatType: 'dm',
      text: 'Shall I deploy?',
      inReplyTo: [],
      idempotencyKey: 'ask',
      sessionKey: 's',
    });
    const botMessage = sent.platformMessageId as string;
    await world.alice.sendEvent(world.dm.id, EventType.RoomMessage, {
      msgtype: MsgType.Text,
      body: `> <${world.botUserId}> Shall I deploy?\n\nyes, go ahead`,
      'm.relates_to': { 'm.in_reply_to': { event_id: botMessage } },
    });
    await eventually(() => expect(t.inbound).toHaveLength(1));
    expect(t.inbound[0]).toMatchObject({ chatType: 'dm', replyTo: botMessage, text: 'yes, go ahead' });
  });

  it('answers in a group quote the message answered; DM answers do not', async () => {
    await world.adapter.start(t.ctx);
    const asked = await world.peer.userSends(world.group, 'status?');
    const group = await world.adapter.send({
      chatId: world.group.id,
      chatType: 'group',
      text: 'all green',
      inReplyTo: [asked],
      idempotencyKey: 'g',
      sessionKey: 's',
    });
    const dmAsked = await world.peer.userSends(world.dm, 'status?');
    const dm = await world.adapter.send({
      chatId: world.dm.id,
      chatType: 'dm',
      text: 'all green',
      inReplyTo: [dmAsked],
      idempotencyKey: 'd',
      sessionKey: 's',
    });
    await eventually(() => {
      const g = world.alice.getRoom(world.group.id)?.findEventById(group.platformMessageId as string);
      const d = world.alice.getRoom(world.dm.id)?.findEventById(dm.platformMessageId as string);
      expect(g?.getWireContent()['m.relates_to']).toEqual({ 'm.in_reply_to': { event_id: asked } });
      expect(d?.getWireContent()).toEqual({ msgtype: 'm.text', body: 'all green' });
    });
  });

  it('ignores the timeline from before it started, edits and encrypted messages', async () => {
    await world.peer.userSends(world.dm, 'sent while the bot was offline');
    await world.adapter.start(t.ctx);
    const edited = await world.peer.userSends(world.dm, 'typo');
    await world.alice.sendEvent(world.dm.id, EventType.RoomMessage, {
      msgtype: MsgType.Text,
      body: '* fixed',
      'm.new_content': { msgtype: MsgType.Text, body: 'fixed' },
      'm.relates_to': { rel_type: RelationType.Replace, event_id: edited },
    } as unknown as RoomMessageEventContent);
    world.hs.rooms.append(world.dm.id, world.aliceId, 'm.room.encrypted', {
      algorithm: 'm.megolm.v1.aes-sha2',
      ciphertext: 'AwgAEn...',
    });
    await world.peer.userSends(world.dm, 'last one');
    await eventually(() => expect(t.inbound.map((m) => m.text)).toContain('last one'));
    expect(t.inbound.map((m) => m.text)).toEqual(['typo', 'last one']);
  });

  it('a room with two members is a DM even without m.direct; three make a group', async () => {
    world.hs.rooms.setAccountData(world.botUserId, 'm.direct', {});
    await world.adapter.start(t.ctx);
    await world.peer.userSends(world.dm, 'one to one');
    await world.peer.userSends(world.group, 'to everyone');
    await eventually(() => expect(t.inbound).toHaveLength(2));
    expect(t.inbound.map((m) => [m.text, m.chatType])).toEqual([
      ['one to one', 'dm'],
      ['to everyone', 'group'],
    ]);
  });
});
