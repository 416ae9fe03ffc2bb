/**
 * Whether a room is a direct chat or a group: a room listed in the bot's
 * `m.direct` account data, or with exactly two joined members (the bot and one
 * person), is a DM; every other room is a group.
 */
import { EventType, type MatrixClient, type Room } from 'matrix-js-sdk';

/** The chat type of a room. */
export function chatKindOf(client: MatrixClient, room: Room): 'dm' | 'group' {
  if (directRoomIds(client).has(room.roomId)) return 'dm';
  return room.getJoinedMemberCount() === 2 ? 'dm' : 'group';
}

/** Room ids listed in the bot's `m.direct` account data. */
export function directRoomIds(client: MatrixClient): Set<string> {
  const content = client.getAccountData(EventType.Direct)?.getContent() ?? {};
  const ids = new Set<string>();
  for (const rooms of Object.values(content)) {
    if (Array.isArray(rooms)) for (const id of rooms) if (typeof id === 'string') ids.add(id);
  }
  return ids;
}

/** `m.direct` with `roomId` added under `userId` (unchanged when already there). */
export function withDirectRoom(
  client: MatrixClient,
  userId: string,
  roomId: string,
): Record<string, string[]> | undefined {
  const content = { ...(client.getAccountData(EventType.Direct)?.getContent() ?? {}) } as Record<
    string,
    string[]
  >;
  const rooms = Array.isArray(content[userId]) ? content[userId] : [];
  if (rooms.includes(roomId)) return undefined;
  content[userId] = [...rooms, roomId];
  return content;
}
