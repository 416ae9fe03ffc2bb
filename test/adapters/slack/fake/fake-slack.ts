/**
 * A fake Slack on loopback, speaking the wire protocols the official SDKs
 * speak: the Web API (`POST /api/<method>` with form or JSON bodies and a
 * Bearer token, answers `{ ok, ... }`, 429 with `Retry-After`), the external
 * file upload flow, private file downloads that need the bot token, Socket Mode
 * (`apps.connections.open` hands out a ws:// URL; the socket says `hello`,
 * carries `events_api` envelopes and takes acks by `envelope_id`) and Events
 * API deliveries (signed HTTP POSTs to the app, retried with
 * `X-Slack-Retry-Num`). Like Slack, it echoes the bot's own posts back to the
 * app as events.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EnvelopedEvent } from '@slack/bolt';
import type {
  AppMentionEvent,
  FileShareMessageEvent,
  GenericMessageEvent,
  MessageChangedEvent,
  MessageDeletedEvent,
} from '@slack/types';
import { type WebSocket, WebSocketServer } from 'ws';
import { signedHeaders } from './signing.ts';
import {
  ALICE,
  BOB,
  CHANNELS,
  type FakeChannel,
  type FakeUser,
  nextTs,
  type StoredFile,
  type StoredMessage,
  WORKSPACE,
} from './workspace.ts';

/** One Web API call the fake received. */
export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  token: string | undefined;
  at: number;
}

/** One event the fake delivered to the app. */
export interface Delivery {
  envelopeId: string;
  body: EnvelopedEvent<Record<string, unknown>>;
  retryAttempt: number;
  acked: boolean;
  /** Events API: the status the app answered. */
  httpStatus?: number;
  /** Resolves when the app acknowledged (socket ack or HTTP 200). */
  acknowledged: Promise<void>;
  ack(): void;
}

/** A failure the next call of a method answers with. */
export interface InjectedFailure {
  /** HTTP status (429 with `retryAfter` for a rate limit, 5xx for an outage). */
  status?: number;
  /** Seconds for `Retry-After`. */
  retryAfter?: number;
  /** A Web API error code answered with HTTP 200 and `ok: false`. */
  error?: string;
}

type AnyEvent =
  | GenericMessageEvent
  | FileShareMessageEvent
  | AppMentionEvent
  | MessageChangedEvent
  | MessageDeletedEvent;

type FileObject = NonNullable<FileShareMessageEvent['files']>[number];

const USERS: readonly FakeUser[] = [ALICE, BOB];

/** A fake Slack workspace server. */
export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly deliveries: Delivery[] = [];
  readonly messages: StoredMessage[] = [];
  readonly files = new Map<string, StoredFile>();
  /** How the app receives events. */
  mode: 'socket' | 'http';
  /** Events API: where the app listens (resolved at delivery time). */
  eventsUrl: (() => string) | undefined;
  /** Socket Mode connections opened so far (`apps.connections.open` answered). */
  connectionsOpened = 0;
  /** Sockets that got `hello`. */
  socketsGreeted = 0;
  readonly #server: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #sockets = new Set<WebSocket>();
  readonly #pending: Delivery[] = [];
  readonly #failures = new Map<string, InjectedFailure[]>();
  readonly #uploads = new Map<string, { filename: string; length: number; data?: Buffer }>();
  readonly #httpDeliveries = new Set<Promise<void>>();
  readonly #helloWaiters: (() => void)[] = [];
  #eventCounter = 0;
  #fileCounter = 0;
  #closed = false;

  private constructor(mode: 'socket' | 'http') {
    this.mode = mode;
    this.#server = createServer((req, res) => {
      this.#route(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(String(error));
      });
    });
    this.#server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/link')) {
        socket.destroy();
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onSocket(ws));
    });
  }

  /** Starts a fake on a free loopback port. */
  static async start(mode: 'socket' | 'http' = 'socket'): Promise<FakeSlack> {
    const fake = new FakeSlack(mode);
    await new Promise<void>((resolve) => fake.#server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** Base URL of the fake Web API (what `slackApiUrl` is set to). */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Open Socket Mode connections. */
  get openSockets(): number {
    return this.#sockets.size;
  }

  /** Makes the next call(s) of `method` fail. */
  failNext(method: string, failure: InjectedFailure, times = 1): void {
    const list = this.#failures.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(failure);
    this.#failures.set(method, list);
  }

  /** Calls of one Web API method. */
  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves when `count` sockets in total have been greeted with `hello`. */
  async socketsGreetedAtLeast(count: number): Promise<void> {
    while (this.socketsGreeted < count) await new Promise<void>((r) => this.#helloWaiters.push(r));
  }

  // ---- what people do ----

  /**
   * A person posts a message (optionally in a thread, optionally with a file).
   * Slack stores it and delivers a `message` event, plus `app_mention` when it mentions the bot outside a DM.
   */
  async userPosts(opts: {
    channel: string;
    text: string;
    user?: FakeUser;
    threadTs?: string;
    file?: { name: string; mimetype: string; data: Buffer };
  }): Promise<{ ts: string; deliveries: Delivery[] }> {
    const channel = this.#channel(opts.channel);
    const user = opts.user ?? ALICE;
    const ts = nextTs();
    const files: StoredFile[] = [];
    if (opts.file) {
      const stored: StoredFile = {
        id: this.#nextFileId(),
        name: opts.file.name,
        title: opts.file.name,
        mimetype: opts.file.mimetype,
        data: opts.file.data,
        user: user.id,
      };
      this.files.set(stored.id, stored);
      files.push(stored);
    }
    const message = this.#store({
      channel: channel.id,
      ts,
      user: user.id,
      text: opts.text,
      ...(opts.threadTs ? { threadTs: opts.threadTs } : {}),
      files,
    });
    const deliveries = [this.deliver(this.#messageEvent(channel, message))];
    if (channel.type !== 'im' && opts.text.includes(`<@${WORKSPACE.botUserId}`)) {
      const mention: AppMentionEvent = {
        type: 'app_mention',
        user: user.id,
        text: opts.text,
        ts,
        channel: channel.id,
        event_ts: ts,
        ...(opts.threadTs ? { thread_ts: opts.threadTs } : {}),
      };
      deliveries.push(this.deliver(mention));
    }
    return { ts, deliveries };
  }

  /** Stores a message without delivering any event (history that existed before the test). */
  seed(opts: {
    channel: string;
    text: string;
    user?: string;
    botId?: string;
    threadTs?: string;
  }): StoredMessage {
    return this.#store({
      channel: opts.channel,
      ts: nextTs(),
      user: opts.user ?? ALICE.id,
      ...(opts.botId ? { botId: opts.botId } : {}),
      text: opts.text,
      ...(opts.threadTs ? { threadTs: opts.threadTs } : {}),
      files: [],
    });
  }

  /** Delivers the bot's own post as Slack echoes it (without storing it). */
  echoBotPost(channelId: string, text: string): Delivery {
    const channel = this.#channel(channelId);
    const ts = nextTs();
    return this.deliver(
      this.#messageEvent(channel, {
        channel: channel.id,
        ts,
        user: WORKSPACE.botUserId,
        botId: WORKSPACE.botId,
        text,
        files: [],
        editTimes: [],
        deleted: false,
        reactions: [],
      }),
    );
  }

  /** Delivers every earlier event of a message again, as Slack's retry does. */
  redeliver(channel: string, ts: string): Delivery[] {
    const earlier = this.deliveries.filter((d) => d.body.event.channel === channel && d.body.event.ts === ts);
    const latest = new Map<string, Delivery>();
    for (const d of earlier) latest.set(`${d.body.event_id}`, d);
    return [...latest.values()].map((d) => this.deliver(d.body.event, { retryOf: d }));
  }

  /** The bot's messages in a conversation, oldest first, deletions removed. */
  botMessages(channel: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.user === WORKSPACE.botUserId && !m.deleted);
  }

  // ---- events to the app ----

  /** Delivers one event to the app (Socket Mode envelope or signed HTTP POST). */
  deliver(event: AnyEvent | Record<string, unknown>, opts: { retryOf?: Delivery } = {}): Delivery {
    const body: EnvelopedEvent<Record<string, unknown>> = opts.retryOf?.body ?? {
      token: 'fake-verification-token',
      team_id: WORKSPACE.teamId,
      api_app_id: WORKSPACE.appId,
      event: event as Record<string, unknown>,
      type: 'event_callback',
      event_id: `Ev${String(++this.#eventCounter).padStart(8, '0')}`,
      event_time: Math.floor(Date.now() / 1000),
      is_ext_shared_channel: false,
      authorizations: [
        {
          enterprise_id: null,
          team_id: WORKSPACE.teamId,
          user_id: WORKSPACE.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
    };
    let ack = () => {};
    const acknowledged = new Promise<void>((resolve) => {
      ack = resolve;
    });
    const delivery: Delivery = {
      envelopeId: randomUUID(),
      body,
      retryAttempt: opts.retryOf ? opts.retryOf.retryAttempt + 1 : 0,
      acked: false,
      acknowledged,
      ack: () => {
        delivery.acked = true;
        ack();
      },
    };
    this.deliveries.push(delivery);
    if (this.mode === 'socket') this.#sendEnvelope(delivery);
    else this.#post(delivery);
    return delivery;
  }

  /** Ends every Socket Mode connection abruptly (no close frame), as a network drop does. */
  dropSockets(): void {
    for (const ws of this.#sockets) ws.terminate();
  }

  /** Sends Slack's `disconnect` notice (the app should reconnect). */
  sendDisconnect(reason = 'refresh_requested'): void {
    for (const ws of this.#sockets) {
      ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack' } }));
    }
  }

  /** Pings every socket and waits for the pongs: every frame the app sent before is in by then. */
  async roundTrip(): Promise<void> {
    await Promise.all(
      [...this.#sockets].map(
        (ws) =>
          new Promise<void>((resolve) => {
            ws.once('pong', () => resolve());
            ws.ping('fake');
          }),
      ),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const ws of this.#sockets) ws.terminate();
    await Promise.allSettled([...this.#httpDeliveries]);
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // ---- Socket Mode ----

  #onSocket(ws: WebSocket): void {
    this.#sockets.add(ws);
    ws.on('close', () => this.#sockets.delete(ws));
    ws.on('message', (data) => {
      let frame: { envelope_id?: string };
      try {
        frame = JSON.parse(String(data)) as { envelope_id?: string };
      } catch {
        return;
      }
      const delivery = this.deliveries.find((d) => d.envelopeId === frame.envelope_id);
      delivery?.ack();
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.#sockets.size,
        debug_info: { host: 'fake-slack', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: WORKSPACE.appId },
      }),
    );
    this.socketsGreeted += 1;
    for (const waiter of this.#helloWaiters.splice(0)) waiter();
    for (const delivery of this.#pending.splice(0)) this.#sendEnvelope(delivery);
  }

  #sendEnvelope(delivery: Delivery): void {
    const ws = [...this.#sockets].at(-1);
    if (!ws || ws.readyState !== ws.OPEN) {
      this.#pending.push(delivery);
      return;
    }
    ws.send(
      JSON.stringify({
        envelope_id: delivery.envelopeId,
        payload: delivery.body,
        type: 'events_api',
        accepts_response_payload: false,
        retry_attempt: delivery.retryAttempt,
        retry_reason: delivery.retryAttempt > 0 ? 'timeout' : '',
      }),
    );
  }

  // ---- Events API ----

  #post(delivery: Delivery): void {
    const url = this.#eventsUrlOrUndefined();
    if (!url) return;
    const body = JSON.stringify(delivery.body);
    const headers: Record<string, string> = signedHeaders(WORKSPACE.signingSecret, body);
    if (delivery.retryAttempt > 0) {
      headers['X-Slack-Retry-Num'] = String(delivery.retryAttempt);
      headers['X-Slack-Retry-Reason'] = 'http_timeout';
    }
    const work = fetch(url, { method: 'POST', headers, body })
      .then(async (response) => {
        delivery.httpStatus = response.status;
        await response.arrayBuffer();
        if (response.status === 200) delivery.ack();
      })
      .catch(() => {
        delivery.httpStatus = 0;
      });
    this.#httpDeliveries.add(work);
    void work.finally(() => this.#httpDeliveries.delete(work));
  }

  #eventsUrlOrUndefined(): string | undefined {
    try {
      return this.eventsUrl?.();
    } catch {
      return undefined;
    }
  }

  // ---- Web API ----

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const raw = await readBody(req);
    if (url.pathname.startsWith('/api/')) {
      const method = url.pathname.slice('/api/'.length);
      const params = { ...Object.fromEntries(url.searchParams), ...(await parseParams(req, raw)) };
      const token = bearer(req) ?? (typeof params.token === 'string' ? params.token : undefined);
      this.calls.push({ method, params, token, at: Date.now() });
      const injected = this.#failures.get(method)?.shift();
      if (injected) return answerFailure(res, injected);
      return json(res, this.#api(method, params, token));
    }
    if (url.pathname.startsWith('/upload/')) return this.#receiveUpload(req, res, url, raw);
    if (url.pathname.startsWith('/files-pri/')) return this.#download(req, res, url);
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  }

  #api(method: string, p: Record<string, unknown>, token: string | undefined): Record<string, unknown> {
    if (method === 'apps.connections.open') {
      if (!token) return { ok: false, error: 'not_authed' };
      if (!token.startsWith('xapp-')) return { ok: false, error: 'not_allowed_token_type' };
      if (token !== WORKSPACE.appToken) return { ok: false, error: 'invalid_auth' };
      this.connectionsOpened += 1;
      const ws = this.origin.replace('http:', 'ws:');
      return { ok: true, url: `${ws}/link/?ticket=${randomUUID()}&app_id=${WORKSPACE.appId}` };
    }
    if (!token) return { ok: false, error: 'not_authed' };
    if (token !== WORKSPACE.botToken && token !== WORKSPACE.userToken)
      return { ok: false, error: 'invalid_auth' };
    const asBot = token === WORKSPACE.botToken;
    switch (method) {
      case 'auth.test':
        return asBot
          ? {
              ok: true,
              url: 'https://hermes-test.slack.com/',
              team: WORKSPACE.teamName,
              user: WORKSPACE.botName,
              team_id: WORKSPACE.teamId,
              user_id: WORKSPACE.botUserId,
              bot_id: WORKSPACE.botId,
              is_enterprise_install: false,
            }
          : {
              ok: true,
              team: WORKSPACE.teamName,
              user: ALICE.name,
              team_id: WORKSPACE.teamId,
              user_id: ALICE.id,
            };
      case 'chat.postMessage':
        return this.#postMessage(p, asBot);
      case 'chat.update':
        return this.#update(p);
      case 'chat.delete':
        return this.#delete(p);
      case 'reactions.add':
        return this.#react(p, asBot ? WORKSPACE.botUserId : ALICE.id);
      case 'conversations.info':
        return this.#conversationInfo(p);
      case 'conversations.replies':
        return this.#replies(p);
      case 'users.info':
        return this.#userInfo(p);
      case 'files.getUploadURLExternal':
        return this.#uploadUrl(p);
      case 'files.completeUploadExternal':
        return this.#completeUpload(p);
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  #postMessage(p: Record<string, unknown>, asBot: boolean): Record<string, unknown> {
    const channel = this.#findChannel(p.channel);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const text = typeof p.text === 'string' ? p.text : '';
    if (text === '' && p.blocks === undefined) return { ok: false, error: 'no_text' };
    const threadTs = typeof p.thread_ts === 'string' && p.thread_ts !== '' ? p.thread_ts : undefined;
    const message = this.#store({
      channel: channel.id,
      ts: nextTs(),
      user: asBot ? WORKSPACE.botUserId : ALICE.id,
      ...(asBot ? { botId: WORKSPACE.botId } : {}),
      text,
      ...(threadTs ? { threadTs } : {}),
      files: [],
    });
    this.deliver(this.#messageEvent(channel, message));
    return { ok: true, channel: channel.id, ts: message.ts, message: toMessageObject(message) };
  }

  #update(p: Record<string, unknown>): Record<string, unknown> {
    const message = this.messages.find((m) => m.channel === p.channel && m.ts === p.ts && !m.deleted);
    if (!message) return { ok: false, error: 'message_not_found' };
    if (message.user !== WORKSPACE.botUserId) return { ok: false, error: 'cant_update_message' };
    const previous = toMessageObject(message);
    message.text = typeof p.text === 'string' ? p.text : message.text;
    message.editTimes.push(Date.now());
    const channel = this.#channel(message.channel);
    const changed: MessageChangedEvent = {
      type: 'message',
      subtype: 'message_changed',
      hidden: true,
      channel: channel.id,
      channel_type: channel.type,
      ts: nextTs(),
      event_ts: nextTs(),
      message: { ...toMessageObject(message), edited: { user: WORKSPACE.botUserId, ts: nextTs() } } as never,
      previous_message: previous as never,
    };
    this.deliver(changed);
    return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
  }

  #delete(p: Record<string, unknown>): Record<string, unknown> {
    const message = this.messages.find((m) => m.channel === p.channel && m.ts === p.ts && !m.deleted);
    if (!message) return { ok: false, error: 'message_not_found' };
    if (message.user !== WORKSPACE.botUserId) return { ok: false, error: 'cant_delete_message' };
    message.deleted = true;
    const channel = this.#channel(message.channel);
    const deleted: MessageDeletedEvent = {
      type: 'message',
      subtype: 'message_deleted',
      hidden: true,
      channel: channel.id,
      channel_type: channel.type,
      ts: nextTs(),
      event_ts: nextTs(),
      deleted_ts: message.ts,
      previous_message: toMessageObject(message) as never,
    };
    this.deliver(deleted);
    return { ok: true, channel: message.channel, ts: message.ts };
  }

  #react(p: Record<string, unknown>, user: string): Record<string, unknown> {
    const name = typeof p.name === 'string' ? p.name : '';
    if (!/^[a-z0-9_+'-]+(::skin-tone-[2-6])?$/.test(name)) return { ok: false, error: 'invalid_name' };
    const message = this.messages.find((m) => m.channel === p.channel && m.ts === p.timestamp && !m.deleted);
    if (!message) return { ok: false, error: 'message_not_found' };
    const reaction = message.reactions.find((r) => r.name === name);
    if (reaction?.users.includes(user)) return { ok: false, error: 'already_reacted' };
    if (reaction) reaction.users.push(user);
    else message.reactions.push({ name, users: [user] });
    return { ok: true };
  }

  #conversationInfo(p: Record<string, unknown>): Record<string, unknown> {
    const channel = this.#findChannel(p.channel);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    return {
      ok: true,
      channel: {
        id: channel.id,
        name: channel.name,
        is_im: channel.type === 'im',
        is_channel: channel.type === 'channel',
        is_group: channel.type === 'group',
        is_private: channel.type !== 'channel',
        is_mpim: false,
        ...(channel.user ? { user: channel.user } : {}),
      },
    };
  }

  #replies(p: Record<string, unknown>): Record<string, unknown> {
    const channel = this.#findChannel(p.channel);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const parent = this.messages.find((m) => m.channel === channel.id && m.ts === p.ts);
    if (!parent) return { ok: false, error: 'thread_not_found' };
    const thread = this.messages.filter(
      (m) => m.channel === channel.id && !m.deleted && (m.ts === parent.ts || m.threadTs === parent.ts),
    );
    return { ok: true, messages: thread.map(toMessageObject), has_more: false };
  }

  #userInfo(p: Record<string, unknown>): Record<string, unknown> {
    const user = USERS.find((u) => u.id === p.user);
    if (!user) return { ok: false, error: 'user_not_found' };
    return {
      ok: true,
      user: {
        id: user.id,
        team_id: WORKSPACE.teamId,
        name: user.name,
        real_name: user.realName,
        is_bot: false,
        profile: { display_name: user.displayName, real_name: user.realName },
      },
    };
  }

  #uploadUrl(p: Record<string, unknown>): Record<string, unknown> {
    const filename = typeof p.filename === 'string' ? p.filename : '';
    const length = Number(p.length);
    if (!filename || !Number.isInteger(length) || length < 0)
      return { ok: false, error: 'invalid_arguments' };
    const id = this.#nextFileId();
    this.#uploads.set(id, { filename, length });
    return { ok: true, upload_url: `${this.origin}/upload/v1/${id}`, file_id: id };
  }

  #completeUpload(p: Record<string, unknown>): Record<string, unknown> {
    const list = (typeof p.files === 'string' ? JSON.parse(p.files) : p.files) as {
      id: string;
      title?: string;
    }[];
    const stored: StoredFile[] = [];
    for (const entry of list ?? []) {
      const upload = this.#uploads.get(entry.id);
      if (!upload?.data) return { ok: false, error: 'file_not_found' };
      const file: StoredFile = {
        id: entry.id,
        name: upload.filename,
        title: entry.title ?? upload.filename,
        mimetype: guessMime(upload.filename),
        data: upload.data,
        user: WORKSPACE.botUserId,
      };
      this.files.set(file.id, file);
      stored.push(file);
    }
    const channel = typeof p.channel_id === 'string' ? this.#findChannel(p.channel_id) : undefined;
    if (p.channel_id !== undefined && !channel) return { ok: false, error: 'channel_not_found' };
    if (channel) {
      const threadTs = typeof p.thread_ts === 'string' && p.thread_ts !== '' ? p.thread_ts : undefined;
      const message = this.#store({
        channel: channel.id,
        ts: nextTs(),
        user: WORKSPACE.botUserId,
        botId: WORKSPACE.botId,
        text: typeof p.initial_comment === 'string' ? p.initial_comment : '',
        ...(threadTs ? { threadTs } : {}),
        files: stored,
      });
      this.deliver(this.#messageEvent(channel, message));
    }
    return { ok: true, files: stored.map((f) => this.#fileObject(f)) };
  }

  async #receiveUpload(req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): Promise<void> {
    const id = url.pathname.split('/').pop() ?? '';
    const upload = this.#uploads.get(id);
    if (!upload || req.method !== 'POST') {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('upload not found');
      return;
    }
    const type = req.headers['content-type'] ?? '';
    let data = raw;
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': type } }).formData();
      const file = [...form.values()].find((v): v is File => typeof v !== 'string');
      data = file ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0);
    }
    upload.data = data;
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(`OK - ${data.length}`);
  }

  #download(req: IncomingMessage, res: ServerResponse, url: URL): void {
    // /files-pri/<team>-<file id>/download/<name>
    const id = url.pathname.split('/')[2]?.split('-')[1] ?? '';
    const file = this.files.get(id);
    if (bearer(req) !== WORKSPACE.botToken) {
      // Slack answers an unauthenticated download with its sign-in page
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><body>Sign in to Slack</body></html>');
      return;
    }
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('file not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': file.mimetype, 'Content-Length': String(file.data.length) });
    res.end(file.data);
  }

  // ---- helpers ----

  #store(m: Omit<StoredMessage, 'editTimes' | 'deleted' | 'reactions'>): StoredMessage {
    const message: StoredMessage = { ...m, editTimes: [], deleted: false, reactions: [] };
    this.messages.push(message);
    return message;
  }

  #messageEvent(channel: FakeChannel, m: StoredMessage): GenericMessageEvent | FileShareMessageEvent {
    const common = {
      type: 'message' as const,
      channel: channel.id,
      channel_type: channel.type,
      user: m.user,
      text: m.text,
      ts: m.ts,
      event_ts: m.ts,
      team: WORKSPACE.teamId,
      ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    };
    if (m.files.length > 0) {
      const event: FileShareMessageEvent = {
        ...common,
        subtype: 'file_share',
        upload: true,
        files: m.files.map((f) => this.#fileObject(f)),
        ...(m.botId ? { display_as_bot: false } : {}),
      };
      return m.botId ? ({ ...event, bot_id: m.botId } as FileShareMessageEvent) : event;
    }
    const event: GenericMessageEvent = {
      ...common,
      subtype: undefined,
      ...(m.botId ? { bot_id: m.botId } : { client_msg_id: randomUUID() }),
    };
    return event;
  }

  #fileObject(f: StoredFile): FileObject {
    const base = `${this.origin}/files-pri/${WORKSPACE.teamId}-${f.id}`;
    return {
      id: f.id,
      created: Math.floor(Date.now() / 1000),
      name: f.name,
      title: f.title,
      mimetype: f.mimetype,
      filetype: f.name.split('.').pop() ?? 'binary',
      pretty_type: f.mimetype,
      user: f.user,
      editable: false,
      size: f.data.length,
      mode: 'hosted',
      is_external: false,
      external_type: '',
      is_public: false,
      public_url_shared: false,
      display_as_bot: false,
      username: '',
      url_private: `${base}/${encodeURIComponent(f.name)}`,
      url_private_download: `${base}/download/${encodeURIComponent(f.name)}`,
      permalink: `https://hermes-test.slack.com/files/${f.user}/${f.id}/${encodeURIComponent(f.name)}`,
      channels: null,
      groups: null,
    };
  }

  #channel(id: string): FakeChannel {
    const channel = this.#findChannel(id);
    if (!channel) throw new Error(`fake slack: no channel ${id}`);
    return channel;
  }

  #findChannel(id: unknown): FakeChannel | undefined {
    return CHANNELS.find((c) => c.id === id);
  }

  #nextFileId(): string {
    this.#fileCounter += 1;
    return `F${String(this.#fileCounter).padStart(8, '0')}`;
  }
}

function toMessageObject(m: StoredMessage): Record<string, unknown> {
  return {
    type: 'message',
    user: m.user,
    ...(m.botId ? { bot_id: m.botId, app_id: WORKSPACE.appId } : {}),
    text: m.text,
    ts: m.ts,
    team: WORKSPACE.teamId,
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    ...(m.reactions.length ? { reactions: m.reactions.map((r) => ({ ...r, count: r.users.length })) } : {}),
  };
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parseParams(req: IncomingMessage, raw: Buffer): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'] ?? '';
  if (raw.length === 0) return {};
  if (type.startsWith('application/json')) return JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  }
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': type } }).formData();
    return Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string'));
  }
  return {};
}

function json(res: ServerResponse, body: Record<string, unknown>): void {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function answerFailure(res: ServerResponse, failure: InjectedFailure): void {
  if (failure.status === 429) {
    res.writeHead(429, {
      'Content-Type': 'application/json; charset=utf-8',
      ...(failure.retryAfter !== undefined ? { 'Retry-After': String(failure.retryAfter) } : {}),
    });
    res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
    return;
  }
  if (failure.status !== undefined && failure.status !== 200) {
    res.writeHead(failure.status, { 'Content-Type': 'text/plain' });
    res.end('upstream trouble');
    return;
  }
  json(res, { ok: false, error: failure.error ?? 'internal_error' });
}

function guessMime(name: string): string {
  const ext = name.split('.').pop()?.toLowerCase();
  const known: Record<string, string> = {
    csv: 'text/csv',
    txt: 'text/plain',
    pdf: 'application/pdf',
    png: 'image/png',
    jpg: 'image/jpeg',
    ogg: 'audio/ogg',
  };
  return (ext && known[ext]) || 'application/octet-stream';
}
