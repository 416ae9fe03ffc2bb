/**
 * The state of the fake homeserver: users, rooms as ordered event logs, account
 * data and media, and the `/sync` response each user gets from a stream
 * position (the since token is the position as text). Membership, room state
 * and invites are all derived from the event log, as a homeserver derives them
 * from the room DAG.
 */
import { randomBytes } from 'node:crypto';

/** The server name of every id the fake makes. */
export const SERVER_NAME = 'localhost';

/** An event as the fake stores it (client format plus its stream position). */
export interface StoredEvent {
  event_id: string;
  room_id: string;
  type: string;
  sender: string;
  content: Record<string, unknown>;
  origin_server_ts: number;
  state_key?: string;
  redacts?: string;
  /** The sending device's transaction id, shown only to that device. */
  txn?: { device: string; txnId: string };
  pos: number;
}

/** A user account with its password and per-user account data. */
export interface FakeUser {
  userId: string;
  password: string;
  displayName: string;
  accountData: Map<string, { content: Record<string, unknown>; pos: number }>;
}

/** A room: its events in stream order and who is typing. */
export interface FakeRoom {
  roomId: string;
  events: StoredEvent[];
  typing: Set<string>;
  typingPos: number;
}

/** One stored upload. */
export interface FakeMedia {
  data: Buffer;
  contentType: string;
  fileName?: string;
}

/** Everything the fake homeserver knows. */
export class FakeRooms {
  readonly users = new Map<string, FakeUser>();
  readonly rooms = new Map<string, FakeRoom>();
  readonly media = new Map<string, FakeMedia>();
  #pos = 0;
  #listeners = new Set<() => void>();

  /** The current stream position. */
  get position(): number {
    return this.#pos;
  }

  /** Calls `listener` at every change of the stream (long-polling /sync waits on it). */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #bump(): number {
    this.#pos += 1;
    for (const listener of [...this.#listeners]) listener();
    return this.#pos;
  }

  addUser(localpart: string, password: string, displayName = localpart): FakeUser {
    const userId = `@${localpart}:${SERVER_NAME}`;
    const user: FakeUser = { userId, password, displayName, accountData: new Map() };
    this.users.set(userId, user);
    return user;
  }

  setAccountData(userId: string, type: string, content: Record<string, unknown>): void {
    const user = this.users.get(userId);
    if (!user) throw new Error(`no user ${userId}`);
    user.accountData.set(type, { content, pos: this.#bump() });
  }

  /** Creates a room with the usual initial state, `creator` joined. */
  createRoom(creator: string, opts: { name?: string; isDirect?: boolean } = {}): FakeRoom {
    const roomId = `!${randomBytes(9).toString('base64url')}:${SERVER_NAME}`;
    const room: FakeRoom = { roomId, events: [], typing: new Set(), typingPos: 0 };
    this.rooms.set(roomId, room);
    this.append(roomId, creator, 'm.room.create', { creator, room_version: '10' }, { stateKey: '' });
    this.setMembership(roomId, creator, creator, 'join');
    this.append(
      roomId,
      creator,
      'm.room.power_levels',
      { users: { [creator]: 100 }, users_default: 0, events_default: 0, invite: 0, redact: 50 },
      { stateKey: '' },
    );
    this.append(roomId, creator, 'm.room.join_rules', { join_rule: 'invite' }, { stateKey: '' });
    this.append(
      roomId,
      creator,
      'm.room.history_visibility',
      { history_visibility: 'shared' },
      { stateKey: '' },
    );
    if (opts.name) this.append(roomId, creator, 'm.room.name', { name: opts.name }, { stateKey: '' });
    return room;
  }

  /** Writes a membership event (`invite`, `join`, `leave`). */
  setMembership(
    roomId: string,
    sender: string,
    target: string,
    membership: 'invite' | 'join' | 'leave' | 'ban',
    extra: Record<string, unknown> = {},
  ): StoredEvent {
    const displayname = this.users.get(target)?.displayName;
    return this.append(
      roomId,
      sender,
      'm.room.member',
      { membership, ...(displayname ? { displayname } : {}), ...extra },
      { stateKey: target },
    );
  }

  /** Appends an event to a room's log and wakes long polls. */
  append(
    roomId: string,
    sender: string,
    type: string,
    content: Record<string, unknown>,
    opts: { stateKey?: string; redacts?: string; txn?: StoredEvent['txn'] } = {},
  ): StoredEvent {
    const room = this.room(roomId);
    const event: StoredEvent = {
      event_id: `$${randomBytes(12).toString('base64url')}`,
      room_id: roomId,
      type,
      sender,
      content,
      origin_server_ts: Date.now(),
      ...(opts.stateKey !== undefined ? { state_key: opts.stateKey } : {}),
      ...(opts.redacts ? { redacts: opts.redacts } : {}),
      ...(opts.txn ? { txn: opts.txn } : {}),
      pos: 0,
    };
    room.events.push(event);
    event.pos = this.#bump();
    return event;
  }

  /** Puts an already delivered event into the stream again (a replay after a reconnect). */
  redeliver(roomId: string, eventId: string): void {
    const room = this.room(roomId);
    const original = room.events.find((e) => e.event_id === eventId);
    if (!original) throw new Error(`no event ${eventId}`);
    const copy: StoredEvent = { ...original, pos: 0 };
    room.events.push(copy);
    copy.pos = this.#bump();
  }

  setTyping(roomId: string, userId: string, typing: boolean): void {
    const room = this.room(roomId);
    if (typing) room.typing.add(userId);
    else room.typing.delete(userId);
    room.typingPos = this.#bump();
  }

  room(roomId: string): FakeRoom {
    const room = this.rooms.get(roomId);
    if (!room) throw new Error(`no room ${roomId}`);
    return room;
  }

  /** The event with this id (first copy). */
  event(roomId: string, eventId: string): StoredEvent | undefined {
    return this.rooms.get(roomId)?.events.find((e) => e.event_id === eventId);
  }

  /** The room state at a stream position: the last event of each (type, state_key). */
  stateAt(room: FakeRoom, pos: number): StoredEvent[] {
    const state = new Map<string, StoredEvent>();
    for (const e of room.events) {
      if (e.pos > pos) break;
      if (e.state_key !== undefined) state.set(`${e.type}\u0000${e.state_key}`, e);
    }
    return [...state.values()];
  }

  /** A user's membership at a stream position. */
  membershipAt(room: FakeRoom, userId: string, pos: number): string | undefined {
    let membership: string | undefined;
    for (const e of room.events) {
      if (e.pos > pos) break;
      if (e.type === 'm.room.member' && e.state_key === userId) {
        membership = e.content.membership as string;
      }
    }
    return membership;
  }

  /** Users whose current membership is `join`. */
  joinedMembers(room: FakeRoom): string[] {
    return this.stateAt(room, this.#pos)
      .filter((e) => e.type === 'm.room.member' && e.content.membership === 'join')
      .map((e) => e.state_key as string);
  }

  /**
   * The /sync response for `userId` (on `device`) from `since` (undefined: initial sync),
   * with at most `limit` timeline events for rooms that are new to the user.
   */
  sync(userId: string, device: string, since: number | undefined, limit: number): SyncResponse {
    const from = since ?? 0;
    const now = this.#pos;
    const join: Record<string, unknown> = {};
    const invite: Record<string, unknown> = {};
    const leave: Record<string, unknown> = {};
    for (const room of this.rooms.values()) {
      const membership = this.membershipAt(room, userId, now);
      const before = since === undefined ? undefined : this.membershipAt(room, userId, since);
      const fresh = room.events.filter((e) => e.pos > from);
      if (membership === 'join') {
        const isNew = before !== 'join';
        const timeline = isNew ? fresh.slice(-limit) : fresh;
        const firstPos = timeline[0]?.pos ?? now + 1;
        const state = isNew ? this.stateAt(room, firstPos - 1) : [];
        const typingChanged = room.typingPos > from;
        if (!isNew && timeline.length === 0 && !typingChanged) continue;
        join[room.roomId] = {
          timeline: {
            events: timeline.map((e) => toClient(e, device)),
            limited: isNew && fresh.length > limit,
            prev_batch: `p${firstPos - 1}`,
          },
          state: { events: state.map((e) => toClient(e, device)) },
          ephemeral: {
            events:
              typingChanged || isNew ? [{ type: 'm.typing', content: { user_ids: [...room.typing] } }] : [],
          },
          account_data: { events: [] },
          unread_notifications: { notification_count: 0, highlight_count: 0 },
          summary: {},
        };
      } else if (membership === 'invite' && before !== 'invite') {
        const keep = new Set(['m.room.create', 'm.room.name', 'm.room.join_rules', 'm.room.member']);
        const stripped = this.stateAt(room, now)
          .filter((e) => keep.has(e.type))
          .filter((e) => e.type !== 'm.room.member' || e.state_key === userId || e.sender === e.state_key)
          .map((e) => ({ type: e.type, state_key: e.state_key, sender: e.sender, content: e.content }));
        invite[room.roomId] = { invite_state: { events: stripped } };
      } else if (
        since !== undefined &&
        (membership === 'leave' || membership === 'ban') &&
        (before === 'join' || before === 'invite')
      ) {
        leave[room.roomId] = {
          timeline: { events: fresh.map((e) => toClient(e, device)), limited: false },
          state: { events: [] },
        };
      }
    }
    const user = this.users.get(userId);
    const accountData = [...(user?.accountData ?? new Map()).entries()]
      .filter(([, v]) => v.pos > from)
      .map(([type, v]) => ({ type, content: v.content }));
    return {
      next_batch: String(now),
      rooms: { join, invite, leave },
      account_data: { events: accountData },
      presence: { events: [] },
      to_device: { events: [] },
      device_lists: { changed: [], left: [] },
      device_one_time_keys_count: {},
    };
  }
}

/** A /sync response body. */
export interface SyncResponse {
  next_batch: string;
  rooms: { join: Record<string, unknown>; invite: Record<string, unknown>; leave: Record<string, unknown> };
  [key: string]: unknown;
}

/** An event in the client-server format, with `unsigned.transaction_id` for its own device. */
export function toClient(e: StoredEvent, device?: string): Record<string, unknown> {
  const unsigned: Record<string, unknown> = { age: Math.max(0, Date.now() - e.origin_server_ts) };
  if (e.txn && device && e.txn.device === device) unsigned.transaction_id = e.txn.txnId;
  return {
    event_id: e.event_id,
    room_id: e.room_id,
    type: e.type,
    sender: e.sender,
    content: e.content,
    origin_server_ts: e.origin_server_ts,
    ...(e.state_key !== undefined ? { state_key: e.state_key } : {}),
    ...(e.redacts ? { redacts: e.redacts } : {}),
    unsigned,
  };
}
