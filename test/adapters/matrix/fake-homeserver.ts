/**
 * A loopback Matrix homeserver speaking the client-server API (the subset that
 * matrix-js-sdk's `startClient`, messaging, media and membership use) over
 * node:http. Unknown endpoints answer the real `M_UNRECOGNIZED` 404 and are
 * logged in `unknown`, so a missing endpoint shows up at once.
 *
 * @example
 * const hs = await startFakeHomeserver();
 * const alice = hs.register('alice', 'secret');
 * const room = hs.rooms.createRoom(alice.userId);
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeRooms, type FakeUser, SERVER_NAME, type SyncResponse, toClient } from './fake-rooms.ts';

/** A failure the fake answers instead of handling a matching request. */
export interface InjectedFailure {
  method?: string;
  path: RegExp;
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Only requests made with this access token. */
  token?: string;
}

/** One request the fake saw. */
export interface SeenRequest {
  method: string;
  path: string;
  status: number;
  userId?: string;
}

/** A running fake homeserver. */
export interface FakeHomeserver {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  rooms: FakeRooms;
  /** Every request, in order. */
  requests: SeenRequest[];
  /** Requests to endpoints the fake does not know. */
  unknown: string[];
  /** Creates an account and returns it with an access token for device `TOKENDEV`. */
  register(localpart: string, password: string, displayName?: string): FakeUser & { accessToken: string };
  /** Makes the next matching request(s) fail. */
  failNext(failure: InjectedFailure): void;
  /** Invalidates an access token (as a logout or an admin would). */
  revokeToken(token: string): void;
  close(): Promise<void>;
}

interface Session {
  userId: string;
  deviceId: string;
}

const CLIENT = '/_matrix/client/(?:v3|r0|v1)';

class MatrixHttpError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  constructor(status: number, errcode: string, error: string, extra: Record<string, unknown> = {}) {
    super(error);
    this.status = status;
    this.body = { errcode, error, ...extra };
  }
}

/** Starts a fake homeserver on a free loopback port. */
export async function startFakeHomeserver(): Promise<FakeHomeserver> {
  const rooms = new FakeRooms();
  const tokens = new Map<string, Session>();
  const txns = new Map<string, string>();
  const filters = new Map<string, Record<string, unknown>>();
  const failures: InjectedFailure[] = [];
  const requests: SeenRequest[] = [];
  const unknown: string[] = [];
  const polls = new Set<() => void>();
  let closing = false;

  function newToken(userId: string, deviceId: string): string {
    for (const [token, session] of tokens) {
      if (session.userId === userId && session.deviceId === deviceId) tokens.delete(token);
    }
    const token = `syt_${randomBytes(12).toString('base64url')}`;
    tokens.set(token, { userId, deviceId });
    return token;
  }

  let current: SeenRequest | undefined;

  function auth(req: IncomingMessage, url: URL): Session {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : url.searchParams.get('access_token');
    if (!token) throw new MatrixHttpError(401, 'M_MISSING_TOKEN', 'Missing access token');
    const session = tokens.get(token);
    if (!session) {
      throw new MatrixHttpError(401, 'M_UNKNOWN_TOKEN', 'Unknown access token', { soft_logout: false });
    }
    if (current) current.userId = session.userId;
    return session;
  }

  function joined(roomId: string, userId: string): void {
    const room = rooms.rooms.get(roomId);
    if (!room) throw new MatrixHttpError(404, 'M_NOT_FOUND', 'Unknown room');
    if (rooms.membershipAt(room, userId, rooms.position) !== 'join') {
      throw new MatrixHttpError(403, 'M_FORBIDDEN', `User ${userId} not in room ${roomId}`);
    }
  }

  /** Waits for a change of the stream, the timeout, or the client hanging up. */
  async function waitForChange(timeoutMs: number, res: ServerResponse): Promise<void> {
    if (timeoutMs <= 0 || closing || res.destroyed) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        off();
        polls.delete(done);
        res.off('close', done);
        resolve();
      };
      res.on('close', done);
      const timer = setTimeout(done, timeoutMs);
      const off = rooms.onChange(done);
      polls.add(done);
    });
  }

  function hasNews(body: SyncResponse): boolean {
    const r = body.rooms;
    return (
      Object.keys(r.join).length + Object.keys(r.invite).length + Object.keys(r.leave).length > 0 ||
      (body.account_data as { events: unknown[] }).events.length > 0
    );
  }

  function timelineLimit(filterParam: string | null, userId: string): number {
    let filter: Record<string, unknown> | undefined;
    if (filterParam?.startsWith('{')) filter = JSON.parse(filterParam);
    else if (filterParam) filter = filters.get(`${userId}\u0000${filterParam}`);
    const limit = (filter?.room as { timeline?: { limit?: number } } | undefined)?.timeline?.limit;
    return typeof limit === 'number' ? limit : 10;
  }

  function sendEvent(session: Session, roomId: string, type: string, txnId: string, content: object) {
    const key = `${session.userId}\u0000${session.deviceId}\u0000${roomId}\u0000${txnId}`;
    const known = txns.get(key);
    if (known) return { event_id: known };
    joined(roomId, session.userId);
    const event = rooms.append(roomId, session.userId, type, content as Record<string, unknown>, {
      txn: { device: session.deviceId, txnId },
    });
    txns.set(key, event.event_id);
    return { event_id: event.event_id };
  }

  type Handler = (
    m: RegExpExecArray,
    ctx: {
      req: IncomingMessage;
      res: ServerResponse;
      url: URL;
      body: Buffer;
      json: () => Record<string, unknown>;
    },
  ) => Promise<unknown> | unknown;
  const routes: [string, RegExp, Handler][] = [];
  const route = (method: string, pattern: string, handler: Handler) =>
    routes.push([method, new RegExp(`^${pattern}$`), handler]);

  route('GET', '/_matrix/client/versions', () => ({
    versions: [
      'r0.6.1',
      'v1.1',
      'v1.2',
      'v1.3',
      'v1.4',
      'v1.5',
      'v1.6',
      'v1.7',
      'v1.8',
      'v1.9',
      'v1.10',
      'v1.11',
    ],
    unstable_features: {},
  }));
  route('GET', `${CLIENT}/login`, () => ({ flows: [{ type: 'm.login.password' }] }));
  route('POST', `${CLIENT}/login`, (_m, { json }) => {
    const body = json();
    const identifier = body.identifier as { type?: string; user?: string } | undefined;
    const user = identifier?.user ?? (body.user as string | undefined);
    if (body.type !== 'm.login.password' || !user) {
      throw new MatrixHttpError(400, 'M_UNKNOWN', 'Unsupported login');
    }
    const userId = user.startsWith('@') ? user : `@${user}:${SERVER_NAME}`;
    const account = rooms.users.get(userId);
    if (!account || account.password !== body.password) {
      throw new MatrixHttpError(403, 'M_FORBIDDEN', 'Invalid username or password');
    }
    const deviceId = (body.device_id as string | undefined) ?? randomBytes(5).toString('hex').toUpperCase();
    return {
      user_id: userId,
      access_token: newToken(userId, deviceId),
      device_id: deviceId,
      home_server: SERVER_NAME,
    };
  });
  route('POST', `${CLIENT}/logout`, (_m, { req }) => {
    const token = req.headers.authorization?.slice(7);
    if (token) tokens.delete(token);
    return {};
  });
  route('GET', `${CLIENT}/account/whoami`, (_m, { req, url }) => {
    const s = auth(req, url);
    return { user_id: s.userId, device_id: s.deviceId, is_guest: false };
  });
  route('GET', `${CLIENT}/capabilities`, (_m, { req, url }) => {
    auth(req, url);
    return {
      capabilities: {
        'm.change_password': { enabled: true },
        'm.room_versions': { default: '10', available: { '10': 'stable' } },
      },
    };
  });
  route('GET', `${CLIENT}/pushrules/?`, (_m, { req, url }) => {
    auth(req, url);
    return { global: { override: [], content: [], room: [], sender: [], underride: [] } };
  });
  route('POST', `${CLIENT}/user/([^/]+)/filter`, (_m, { req, url, json }) => {
    const s = auth(req, url);
    const id = String(filters.size + 1);
    filters.set(`${s.userId}\u0000${id}`, json());
    return { filter_id: id };
  });
  route('GET', `${CLIENT}/user/([^/]+)/filter/([^/]+)`, (m, { req, url }) => {
    const s = auth(req, url);
    const filter = filters.get(`${s.userId}\u0000${decodeURIComponent(m[2] as string)}`);
    if (!filter) throw new MatrixHttpError(404, 'M_NOT_FOUND', 'No such filter');
    return filter;
  });
  route('GET', `${CLIENT}/user/([^/]+)/account_data/([^/]+)`, (m, { req, url }) => {
    const s = auth(req, url);
    const data = rooms.users.get(s.userId)?.accountData.get(decodeURIComponent(m[2] as string));
    if (!data) throw new MatrixHttpError(404, 'M_NOT_FOUND', 'Account data not found');
    return data.content;
  });
  route('PUT', `${CLIENT}/user/([^/]+)/account_data/([^/]+)`, (m, { req, url, json }) => {
    const s = auth(req, url);
    rooms.setAccountData(s.userId, decodeURIComponent(m[2] as string), json());
    return {};
  });
  route('GET', `${CLIENT}/profile/([^/]+)(?:/displayname)?`, (m) => {
    const user = rooms.users.get(decodeURIComponent(m[1] as string));
    if (!user) throw new MatrixHttpError(404, 'M_NOT_FOUND', 'Profile was not found');
    return { displayname: user.displayName };
  });
  route('GET', `${CLIENT}/sync`, async (_m, { req, res, url }) => {
    const s = auth(req, url);
    const sinceParam = url.searchParams.get('since');
    const since = sinceParam === null ? undefined : Number(sinceParam);
    const limit = timelineLimit(url.searchParams.get('filter'), s.userId);
    let body = rooms.sync(s.userId, s.deviceId, since, limit);
    if (since !== undefined && !hasNews(body)) {
      await waitForChange(Number(url.searchParams.get('timeout') ?? 0), res);
      body = rooms.sync(s.userId, s.deviceId, since, limit);
    }
    return body;
  });
  route('PUT', `${CLIENT}/rooms/([^/]+)/send/([^/]+)/([^/]+)`, (m, { req, url, json }) => {
    const s = auth(req, url);
    const [roomId, type, txnId] = [m[1], m[2], m[3]].map((p) => decodeURIComponent(p as string));
    return sendEvent(s, roomId as string, type as string, txnId as string, json());
  });
  route('PUT', `${CLIENT}/rooms/([^/]+)/redact/([^/]+)/([^/]+)`, (m, { req, url, json }) => {
    const s = auth(req, url);
    const [roomId, eventId, txnId] = [m[1], m[2], m[3]].map((p) => decodeURIComponent(p as string)) as [
      string,
      string,
      string,
    ];
    const key = `${s.userId}\u0000${s.deviceId}\u0000${roomId}\u0000redact:${txnId}`;
    const known = txns.get(key);
    if (known) return { event_id: known };
    joined(roomId, s.userId);
    const target = rooms.event(roomId, eventId);
    if (!target) throw new MatrixHttpError(404, 'M_NOT_FOUND', 'Event not found');
    if (target.sender !== s.userId) throw new MatrixHttpError(403, 'M_FORBIDDEN', 'Not your event');
    const event = rooms.append(
      roomId,
      s.userId,
      'm.room.redaction',
      { redacts: eventId, ...json() },
      { redacts: eventId, txn: { device: s.deviceId, txnId } },
    );
    txns.set(key, event.event_id);
    return { event_id: event.event_id };
  });
  route('PUT', `${CLIENT}/rooms/([^/]+)/typing/([^/]+)`, (m, { req, url, json }) => {
    const s = auth(req, url);
    const roomId = decodeURIComponent(m[1] as string);
    joined(roomId, s.userId);
    rooms.setTyping(roomId, s.userId, json().typing === true);
    return {};
  });
  route('PUT', `${CLIENT}/rooms/([^/]+)/state/([^/]+)(?:/([^/]*))?`, (m, { req, url, json }) => {
    const s = auth(req, url);
    const roomId = decodeURIComponent(m[1] as string);
    joined(roomId, s.userId);
    const event = rooms.append(roomId, s.userId, decodeURIComponent(m[2] as string), json(), {
      stateKey: decodeURIComponent(m[3] ?? ''),
    });
    return { event_id: event.event_id };
  });
  route('GET', `${CLIENT}/rooms/([^/]+)/state`, (m, { req, url }) => {
    const s = auth(req, url);
    const roomId = decodeURIComponent(m[1] as string);
    joined(roomId, s.userId);
    return rooms.stateAt(rooms.room(roomId), rooms.position).map((e) => toClient(e));
  });
  route('GET', `${CLIENT}/rooms/([^/]+)/joined_members`, (m, { req, url }) => {
    const s = auth(req, url);
    const roomId = decodeURIComponent(m[1] as string);
    joined(roomId, s.userId);
    const members = rooms.joinedMembers(rooms.room(roomId));
    return {
      joined: Object.fromEntries(
        members.map((id) => [id, { display_name: rooms.users.get(id)?.displayName ?? id }]),
      ),
    };
  });
  route('GET', `${CLIENT}/rooms/([^/]+)/members`, (m, { req, url }) => {
    const s = auth(req, url);
    const roomId = decodeURIComponent(m[1] as string);
    joined(roomId, s.userId);
    return {
      chunk: rooms
        .stateAt(rooms.room(roomId), rooms.position)
        .filter((e) => e.type === 'm.room.member')
        .map((e) => toClient(e)),
    };
  });
  route('GET', `${CLIENT}/rooms/([^/]+)/messages`, (m, { req, url }) => {
    const s = auth(req, url);
    const roomId = decodeURIComponent(m[1] as string);
    joined(roomId, s.userId);
    const limit = Number(url.searchParams.get('limit') ?? 10);
    const events = rooms.room(roomId).events.slice(-limit).reverse();
    return { chunk: events.map((e) => toClient(e, s.deviceId)), start: String(rooms.position) };
  });
  route('POST', `${CLIENT}/createRoom`, (_m, { req, url, json }) => {
    const s = auth(req, url);
    const body = json();
    const room = rooms.createRoom(s.userId, { name: body.name as string | undefined });
    for (const invitee of (body.invite as string[] | undefined) ?? []) {
      rooms.setMembership(
        room.roomId,
        s.userId,
        invitee,
        'invite',
        body.is_direct ? { is_direct: true } : {},
      );
    }
    return { room_id: room.roomId };
  });
  route('POST', `${CLIENT}/rooms/([^/]+)/invite`, (m, { req, url, json }) => {
    const s = auth(req, url);
    const roomId = decodeURIComponent(m[1] as string);
    joined(roomId, s.userId);
    const body = json();
    rooms.setMembership(
      roomId,
      s.userId,
      body.user_id as string,
      'invite',
      body.reason ? { reason: body.reason } : {},
    );
    return {};
  });
  const join: Handler = (m, { req, url }) => {
    const s = auth(req, url);
    const roomId = decodeURIComponent(m[1] as string);
    const room = rooms.rooms.get(roomId);
    if (!room) throw new MatrixHttpError(404, 'M_NOT_FOUND', 'No known servers');
    const membership = rooms.membershipAt(room, s.userId, rooms.position);
    if (membership === 'join') return { room_id: roomId };
    if (membership !== 'invite')
      throw new MatrixHttpError(403, 'M_FORBIDDEN', 'You are not invited to this room.');
    rooms.setMembership(roomId, s.userId, s.userId, 'join');
    return { room_id: roomId };
  };
  route('POST', `${CLIENT}/join/([^/]+)`, join);
  route('POST', `${CLIENT}/rooms/([^/]+)/join`, join);
  route('POST', `${CLIENT}/rooms/([^/]+)/leave`, (m, { req, url }) => {
    const s = auth(req, url);
    const roomId = decodeURIComponent(m[1] as string);
    const room = rooms.room(roomId);
    const membership = rooms.membershipAt(room, s.userId, rooms.position);
    if (membership === 'join' || membership === 'invite')
      rooms.setMembership(roomId, s.userId, s.userId, 'leave');
    return {};
  });
  route('POST', '/_matrix/media/v3/upload', (_m, { req, url, body }) => {
    auth(req, url);
    const mediaId = randomBytes(9).toString('base64url');
    const fileName = url.searchParams.get('filename') ?? undefined;
    rooms.media.set(mediaId, {
      data: body,
      contentType: req.headers['content-type'] ?? 'application/octet-stream',
      ...(fileName ? { fileName } : {}),
    });
    return { content_uri: `mxc://${SERVER_NAME}/${mediaId}` };
  });
  routes.push(['GET', new RegExp(`^${CLIENT}/media/config$`), () => ({ 'm.upload.size': 50 * 1024 * 1024 })]);

  function download(res: ServerResponse, serverName: string, mediaId: string): void {
    const media = serverName === SERVER_NAME ? rooms.media.get(mediaId) : undefined;
    if (!media) throw new MatrixHttpError(404, 'M_NOT_FOUND', 'Not found');
    res.writeHead(200, {
      'content-type': media.contentType,
      'content-length': media.data.length,
      ...(media.fileName ? { 'content-disposition': `attachment; filename="${media.fileName}"` } : {}),
    });
    res.end(media.data);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const seen: SeenRequest = { method, path: url.pathname, status: 200 };
    requests.push(seen);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    current = seen;
    const sendJson = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      seen.status = status;
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    try {
      const token =
        req.headers.authorization?.replace(/^Bearer /, '') ?? url.searchParams.get('access_token');
      const failure = failures.find(
        (f) =>
          (!f.method || f.method === method) && f.path.test(url.pathname) && (!f.token || f.token === token),
      );
      if (failure) {
        failure.times = (failure.times ?? 1) - 1;
        if (failure.times <= 0) failures.splice(failures.indexOf(failure), 1);
        sendJson(failure.status, failure.body, failure.headers);
        return;
      }
      const media = /^\/_matrix\/(?:media\/v3|client\/v1\/media)\/download\/([^/]+)\/([^/]+)(?:\/.*)?$/.exec(
        url.pathname,
      );
      if (media && method === 'GET') {
        if (url.pathname.startsWith('/_matrix/client/v1/')) auth(req, url);
        download(res, decodeURIComponent(media[1] as string), decodeURIComponent(media[2] as string));
        return;
      }
      for (const [m, pattern, handler] of routes) {
        const match = pattern.exec(url.pathname);
        if (!match || m !== method) continue;
        const result = await handler(match, {
          req,
          res,
          url,
          body,
          json: () => (body.length ? JSON.parse(body.toString('utf8')) : {}),
        });
        sendJson(200, result);
        return;
      }
      unknown.push(`${method} ${url.pathname}`);
      sendJson(404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
    } catch (error) {
      if (error instanceof MatrixHttpError) sendJson(error.status, error.body);
      else sendJson(500, { errcode: 'M_UNKNOWN', error: String(error) });
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    rooms,
    requests,
    unknown,
    register(localpart, password, displayName) {
      const user = rooms.addUser(localpart, password, displayName);
      return Object.assign(user, { accessToken: newToken(user.userId, 'TOKENDEV') });
    },
    failNext(failure) {
      failures.push(failure);
    },
    revokeToken(token) {
      tokens.delete(token);
    },
    async close() {
      closing = true;
      for (const done of [...polls]) done();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
