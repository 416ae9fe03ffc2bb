/**
 * Edits, deletions, reactions and typing as the human's matrix-js-sdk client
 * sees them.
 */
import { type MatrixEvent, RoomMemberEvent } from 'matrix-js-sdk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMatrixWorld, type MatrixWorld, testContext } from './matrix-world.ts';

const eventually = (check: () => unknown) => vi.waitFor(check, { timeout: 10_000, interval: 25 });

describe('matrix: edits, redactions, reactions, typing', () => {
  let world: MatrixWorld;
  beforeEach(async () => {
    world = await createMatrixWorld();
    await world.adapter.start(testContext().ctx);
  });
  afterEach(() => world.close());

  function aliceSees(roomId: string, eventId: string): MatrixEvent | undefined {
    return world.alice.getRoom(roomId)?.findEventById(eventId);
  }

  async function botSays(text: string): Promise<string> {
    const sent = await world.adapter.send({
      chatId: world.dm.id,
      chatType: 'dm',
      text,
      inReplyTo: [],
      idempotencyKey: `k-${text}`,
      sessionKey: 's',
    });
    return sent.platformMessageId as string;
  }

  it('an edit (m.replace with m.new_content) replaces the text in the human client', async () => {
    const id = await botSays('first draft');
    await eventually(() => expect(aliceSees(world.dm.id, id)).toBeDefined());
    await world.adapter.edit({ chatId: world.dm.id, chatType: 'dm', messageId: id }, 'final answer');
    await eventually(() => {
      const original = aliceSees(world.dm.id, id) as MatrixEvent;
      expect(original.replacingEvent()).not.toBeNull();
      expect(original.getContent().body).toBe('final answer');
    });
    const edit = (aliceSees(world.dm.id, id) as MatrixEvent).replacingEvent() as MatrixEvent;
    expect(edit.getWireContent()).toMatchObject({
      body: '* final answer',
      'm.new_content': { msgtype: 'm.text', body: 'final answer' },
      'm.relates_to': { rel_type: 'm.replace', event_id: id },
    });
    expect((await world.peer.botMessages(world.dm)).map((m) => m.text)).toEqual(['final answer']);
  });

  it('delete redacts the message for the human', async () => {
    const id = await botSays('oops');
    await world.adapter.delete({ chatId: world.dm.id, chatType: 'dm', messageId: id });
    await eventually(() => expect(aliceSees(world.dm.id, id)?.isRedacted()).toBe(true));
    expect(await world.peer.botMessages(world.dm)).toEqual([]);
  });

  it("a reaction is an m.annotation on the human's message", async () => {
    const mine = await world.peer.userSends(world.dm, 'nice work');
    await world.adapter.react({ chatId: world.dm.id, chatType: 'dm', messageId: mine }, '👍');
    await eventually(() => {
      const reaction = world.peer
        .timeline(world.dm.id)
        .find((e) => e.getType() === 'm.reaction' && e.getSender() === world.botUserId);
      expect(reaction?.getWireContent()).toEqual({
        'm.relates_to': { rel_type: 'm.annotation', event_id: mine, key: '👍' },
      });
    });
  });

  it('typing shows on the human side and stops when the reply is sent', async () => {
    const member = () => world.alice.getRoom(world.dm.id)?.getMember(world.botUserId);
    const typingChanges: boolean[] = [];
    world.alice.on(RoomMemberEvent.Typing, (_event, m) => {
      if (m.userId === world.botUserId) typingChanges.push(m.typing);
    });
    await world.adapter.sendTyping({ chatId: world.dm.id, chatType: 'dm' });
    await eventually(() => expect(member()?.typing).toBe(true));
    await botSays('done thinking');
    await eventually(() => expect(member()?.typing).toBe(false));
    expect(typingChanges).toEqual([true, false]);
  });
});
