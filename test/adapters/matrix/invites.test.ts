/**
 * Invites: the bot joins rooms it is invited to by an allowed user (DMs are
 * recorded in its m.direct) and declines invites from anyone else.
 */
import { EventType, MsgType, Preset } from 'matrix-js-sdk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MatrixAdapter } from '../../../src/adapters/matrix/matrix-adapter.ts';
import { loginClient, stopClient } from './matrix-peer.ts';
import { createMatrixWorld, type MatrixWorld, type TestContext, testContext } from './matrix-world.ts';

const eventually = (check: () => unknown) => vi.waitFor(check, { timeout: 10_000, interval: 25 });

describe('matrix: invites', () => {
  let world: MatrixWorld;
  let t: TestContext;
  beforeEach(async () => {
    world = await createMatrixWorld();
    t = testContext();
  });
  afterEach(() => world.close());

  const membership = (roomId: string) =>
    world.hs.rooms.membershipAt(world.hs.rooms.room(roomId), world.botUserId, world.hs.rooms.position);

  it('joins a DM an allowed user invites it to, and answers there as a DM', async () => {
    await world.adapter.start(t.ctx);
    const { room_id } = await world.alice.createRoom({
      invite: [world.botUserId],
      is_direct: true,
      preset: Preset.TrustedPrivateChat,
    });
    await eventually(() =>
      expect(world.alice.getRoom(room_id)?.getMember(world.botUserId)?.membership).toBe('join'),
    );
    const direct = world.hs.rooms.users.get(world.botUserId)?.accountData.get('m.direct')?.content;
    expect(direct?.[world.aliceId]).toContain(room_id);
    await world.peer.userSends({ kind: 'dm', id: room_id }, 'hi bot');
    await eventually(() => expect(t.inbound).toHaveLength(1));
    expect(t.inbound[0]).toMatchObject({ chatId: room_id, chatType: 'dm', text: 'hi bot' });
  });

  it('declines an invite from a user who is not allowed', async () => {
    await world.adapter.start(t.ctx);
    const mallory = await loginClient(world.hs.baseUrl, 'mallory', 'mallory-password');
    try {
      const { room_id } = await mallory.createRoom({ invite: [world.botUserId], name: 'free crypto' });
      await eventually(() => expect(membership(room_id)).toBe('leave'));
      await expect(
        mallory.sendEvent(room_id, EventType.RoomMessage, { msgtype: MsgType.Text, body: 'run rm -rf /' }),
      ).resolves.toBeDefined();
      await world.peer.userSends(world.dm, 'still here?');
      await eventually(() => expect(t.inbound.map((m) => m.text)).toEqual(['still here?']));
    } finally {
      stopClient(mallory);
    }
  });

  it('answers invites that arrived while it was offline', async () => {
    const { room_id } = await world.alice.createRoom({ invite: [world.botUserId], name: 'Ops' });
    await world.adapter.start(t.ctx);
    await eventually(() => expect(membership(room_id)).toBe('join'));
  });

  it('takes the allowed inviters from MATRIX_ALLOWED_USERS when no check is given', async () => {
    const previous = process.env.MATRIX_ALLOWED_USERS;
    process.env.MATRIX_ALLOWED_USERS = `@someone:elsewhere, ${world.carolId}`;
    const adapter = new MatrixAdapter({ homeserverUrl: world.hs.baseUrl, accessToken: world.botToken });
    try {
      await adapter.start(t.ctx);
      const fromAlice = world.hs.rooms.createRoom(world.aliceId);
      world.hs.rooms.setMembership(fromAlice.roomId, world.aliceId, world.botUserId, 'invite');
      const fromCarol = world.hs.rooms.createRoom(world.carolId);
      world.hs.rooms.setMembership(fromCarol.roomId, world.carolId, world.botUserId, 'invite');
      await eventually(() => {
        expect(membership(fromCarol.roomId)).toBe('join');
        expect(membership(fromAlice.roomId)).toBe('leave');
      });
    } finally {
      await adapter.stop();
      if (previous === undefined) delete process.env.MATRIX_ALLOWED_USERS;
      else process.env.MATRIX_ALLOWED_USERS = previous;
    }
  });
});
