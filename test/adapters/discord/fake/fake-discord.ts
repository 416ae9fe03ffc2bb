/**
 * A loopback fake of Discord for discord.js: the REST API under `/api/v10`
 * (gateway info, the bot user, channels, messages with JSON or multipart
 * bodies, edits, deletes, typing, reactions, DM channels), attachment
 * downloads under `/attachments`, and the gateway websocket (`FakeGateway`).
 * Tests act as the human through `userSends` and script failures (429, 5xx)
 * with `failNext`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type APIAttachment,
  type APIChannel,
  type APIGatewayBotInfo,
  type APIMessage,
  type APIUser,
  ChannelType,
  GatewayDispatchEvents,
  type GatewayMessageCreateDispatchData,
  type GuildMemberFlags,
  type RESTPatchAPIChannelMessageJSONBody,
  type RESTPostAPIChannelMessageJSONBody,
  type RESTPostAPICurrentUserCreateDMChannelJSONBody,
} from 'discord-api-types/v10';
import { FakeGateway } from './fake-gateway.ts';
import { createWorld, message, snowflake, type World } from './payloads.ts';

/** A file on the fake (uploaded by the bot or attached by the user). */
export interface StoredFile {
  fileName: string;
  contentType: string;
  data: Buffer;
}

/** A message in a channel of the fake. */
export interface StoredMessage {
  message: APIMessage;
  /** When each PATCH reached the fake (ms since epoch). */
  editTimes: number[];
  files: StoredFile[];
  deleted: boolean;
}

/** One REST request the fake received. */
export interface RecordedRequest {
  method: string;
  /** Path after `/api/v10`. */
  path: string;
  body: unknown;
}

/** A scripted failure: the next `times` matching requests get this answer. */
export interface FailureRule {
  method: string;
  path: RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  times: number;
}

/** Options of the fake. */
export interface FakeDiscordOptions {
  /** The bot token the fake accepts. */
  token?: string;
  /** HELLO's heartbeat interval. Default 1000 ms (heartbeats happen during tests). */
  heartbeatIntervalMs?: number;
}

/** A file the user attaches to a message. */
export interface UserFile {
  fileName: string;
  contentType: string;
  data: Buffer;
}

/** The fake Discord. */
export class FakeDiscord {
  readonly token: string;
  readonly world: World;
  readonly gateway: FakeGateway;
  /** Every REST request, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Reactions the bot added. */
  readonly reactions: { channelId: string; messageId: string; emoji: string }[] = [];
  /** Channels the bot showed "typing" in. */
  readonly typing: string[] = [];
  readonly #server: Server;
  readonly #channels = new Map<string, APIChannel>();
  readonly #messages = new Map<string, StoredMessage[]>();
  readonly #files = new Map<string, StoredFile>();
  readonly #failures: FailureRule[] = [];

  constructor(options: FakeDiscordOptions = {}) {
    this.token = options.token ?? 'fake-bot-token.abc.def';
    this.world = createWorld();
    for (const channel of [this.world.textChannel, this.world.thread, this.world.dmChannel]) {
      this.#channels.set(channel.id, channel);
    }
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => json(res, 500, { message: String(error), code: 0 }));
    });
    this.gateway = new FakeGateway({
      token: this.token,
      world: this.world,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
      url: () => `ws://127.0.0.1:${this.port}/gateway`,
    });
    this.gateway.attach(this.#server);
  }

  /** Listens on a free loopback port. */
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** The REST base discord.js takes as `rest.api`. */
  get restApi(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  /** Stops the gateway and the HTTP server, closing every connection. */
  async close(): Promise<void> {
    await this.gateway.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** The next `times` requests matching `method` and `path` get `status` (with body and headers). */
  failNext(rule: FailureRule): void {
    this.#failures.push({ ...rule });
  }

  /** Messages of a channel (deleted ones included, flagged). */
  messagesIn(channelId: string): StoredMessage[] {
    return this.#messages.get(channelId) ?? [];
  }

  /** Messages the bot posted in a channel, not deleted. */
  botMessagesIn(channelId: string): StoredMessage[] {
    return this.messagesIn(channelId).filter((m) => !m.deleted && m.message.author.id === this.world.bot.id);
  }

  /** The stored message with this id, anywhere. */
  find(messageId: string): StoredMessage | undefined {
    for (const list of this.#messages.values()) {
      const found = list.find((m) => m.message.id === messageId);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * A user writes in a channel (or thread): the message is stored (unless
   * `store` is false) and its MESSAGE_CREATE dispatched. Returns the message id.
   */
  userSends(
    channelId: string,
    content: string,
    opts: { author?: APIUser; file?: UserFile; replyTo?: string; store?: boolean } = {},
  ): string {
    const id = snowflake();
    const attachments: APIAttachment[] = opts.file ? [this.#storeFile(channelId, id, opts.file)] : [];
    const referenced = opts.replyTo ? this.find(opts.replyTo)?.message : undefined;
    const created = message(
      {
        channelId,
        author: opts.author ?? this.world.human,
        content,
        attachments,
        ...(referenced ? { referenced } : {}),
      },
      this.#users(),
    );
    created.id = id;
    if (opts.store !== false) this.#store(created, opts.file ? [opts.file] : []);
    this.dispatchMessage(created);
    return id;
  }

  /** Dispatches MESSAGE_CREATE for a message again (a replay). */
  redeliver(messageId: string): void {
    const stored = this.find(messageId);
    if (stored) this.dispatchMessage(stored.message);
  }

  /** Dispatches MESSAGE_CREATE for `msg` with the guild fields Discord adds. */
  dispatchMessage(msg: APIMessage): void {
    const channel = this.#channels.get(msg.channel_id);
    const inGuild = channel !== undefined && 'guild_id' in channel && channel.guild_id !== undefined;
    const d: GatewayMessageCreateDispatchData = {
      ...msg,
      ...(inGuild
        ? {
            guild_id: this.world.guildId,
            member: {
              roles: [],
              joined_at: new Date(0).toISOString(),
              deaf: false,
              mute: false,
              flags: 0 as GuildMemberFlags,
            },
          }
        : {}),
      ...(channel?.type === ChannelType.DM ? { channel_type: ChannelType.DM } : {}),
    };
    this.gateway.dispatch({ t: GatewayDispatchEvents.MessageCreate, d });
  }

  #users(): APIUser[] {
    return [this.world.bot, this.world.human, this.world.otherBot];
  }

  #store(msg: APIMessage, files: StoredFile[]): StoredMessage {
    const stored: StoredMessage = { message: msg, editTimes: [], files, deleted: false };
    const list = this.#messages.get(msg.channel_id) ?? [];
    list.push(stored);
    this.#messages.set(msg.channel_id, list);
    return stored;
  }

  #storeFile(channelId: string, messageId: string, file: StoredFile): APIAttachment {
    const id = snowflake();
    const path = `/attachments/${channelId}/${id}/${encodeURIComponent(file.fileName)}`;
    this.#files.set(path, file);
    return {
      id,
      filename: file.fileName,
      size: file.data.length,
      url: `http://127.0.0.1:${this.port}${path}?ex=${messageId}`,
      proxy_url: `http://127.0.0.1:${this.port}${path}`,
      content_type: file.contentType,
    };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    if (method === 'GET' && url.pathname.startsWith('/attachments/')) {
      const file = this.#files.get(url.pathname);
      if (!file) {
        json(res, 404, { message: 'Not Found' });
        return;
      }
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.data.length });
      res.end(file.data);
      return;
    }
    if (!url.pathname.startsWith('/api/v10/')) {
      json(res, 404, { message: '404: Not Found', code: 0 });
      return;
    }
    const path = url.pathname.slice('/api/v10'.length);
    const raw = await readBody(req);
    const { body, files } = await parseBody(req.headers['content-type'], raw);
    this.requests.push({ method, path, body });
    if (req.headers.authorization !== `Bot ${this.token}`) {
      json(res, 401, { message: '401: Unauthorized', code: 0 });
      return;
    }
    const failure = this.#failures.find((f) => f.method === method && f.path.test(path) && f.times > 0);
    if (failure) {
      failure.times -= 1;
      res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
      res.end(JSON.stringify(failure.body ?? { message: `HTTP ${failure.status}`, code: 0 }));
      return;
    }
    const { status, body: answerBody } = this.#route(method, path, body, files);
    if (answerBody === undefined) {
      res.writeHead(status);
      res.end();
    } else json(res, status, answerBody);
  }

  #route(method: string, path: string, body: unknown, files: StoredFile[]): Answer {
    const parts = path.split('/').filter(Boolean);
    const [root, channelId, sub, messageId, leaf, emoji] = parts;
    if (method === 'GET' && path === '/gateway/bot') {
      const info: APIGatewayBotInfo = {
        url: `ws://127.0.0.1:${this.port}/gateway`,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      };
      return answer(200, info);
    }
    if (method === 'GET' && path === '/users/@me') return answer(200, this.world.bot);
    if (method === 'POST' && path === '/users/@me/channels') {
      const { recipient_id } = body as RESTPostAPICurrentUserCreateDMChannelJSONBody;
      if (recipient_id !== this.world.human.id) return unknown('User', 10013);
      return answer(200, this.world.dmChannel);
    }
    if (root !== 'channels' || !channelId) return answer(404, { message: '404: Not Found', code: 0 });
    const channel = this.#channels.get(channelId);
    if (!channel) return unknown('Channel', 10003);
    if (method === 'GET' && parts.length === 2) return answer(200, channel);
    if (method === 'POST' && sub === 'typing' && parts.length === 3) {
      this.typing.push(channelId);
      return NO_CONTENT;
    }
    if (sub !== 'messages') return answer(404, { message: '404: Not Found', code: 0 });
    if (method === 'POST' && parts.length === 3) {
      return answer(200, this.#botPosts(channelId, body as RESTPostAPIChannelMessageJSONBody, files));
    }
    const stored = messageId ? this.messagesIn(channelId).find((m) => m.message.id === messageId) : undefined;
    if (!stored || stored.deleted) return unknown('Message', 10008);
    if (method === 'GET' && parts.length === 4) return answer(200, stored.message);
    if (method === 'PATCH' && parts.length === 4) {
      const patch = body as RESTPatchAPIChannelMessageJSONBody;
      if (patch.content !== undefined && patch.content !== null) stored.message.content = patch.content;
      stored.message.edited_timestamp = new Date().toISOString();
      stored.editTimes.push(Date.now());
      return answer(200, stored.message);
    }
    if (method === 'DELETE' && parts.length === 4) {
      stored.deleted = true;
      return NO_CONTENT;
    }
    if (method === 'PUT' && leaf === 'reactions' && emoji && parts[6] === '@me') {
      this.reactions.push({ channelId, messageId: stored.message.id, emoji: decodeURIComponent(emoji) });
      return NO_CONTENT;
    }
    return answer(404, { message: '404: Not Found', code: 0 });
  }

  /** The bot posts a message: stored, answered, and echoed on the gateway as Discord does. */
  #botPosts(channelId: string, body: RESTPostAPIChannelMessageJSONBody, files: StoredFile[]): APIMessage {
    const id = snowflake();
    const referencedId = body.message_reference?.message_id;
    const referenced = referencedId ? this.find(referencedId)?.message : undefined;
    const created = message(
      {
        channelId,
        author: this.world.bot,
        content: body.content ?? '',
        attachments: files.map((file) => this.#storeFile(channelId, id, file)),
        ...(referenced ? { referenced } : {}),
      },
      this.#users(),
    );
    created.id = id;
    this.#store(created, files);
    this.dispatchMessage(created);
    return created;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** What a REST route answers: a status and a JSON body (none for 204). */
interface Answer {
  status: number;
  body?: unknown;
}

const NO_CONTENT: Answer = { status: 204 };

function answer(status: number, body: unknown): Answer {
  return { status, body };
}

function unknown(what: string, code: number): Answer {
  return answer(404, { message: `Unknown ${what}`, code });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A JSON body, or a multipart body (`payload_json` plus `files[n]`) as Discord takes uploads. */
async function parseBody(
  contentType: string | undefined,
  raw: Buffer,
): Promise<{ body: unknown; files: StoredFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  if (contentType?.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: raw,
    }).formData();
    const files: StoredFile[] = [];
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string' || !name.startsWith('files[')) continue;
      files.push({
        fileName: value.name,
        contentType: value.type || 'application/octet-stream',
        data: Buffer.from(await value.arrayBuffer()),
      });
    }
    const payload = form.get('payload_json');
    return { body: typeof payload === 'string' ? JSON.parse(payload) : {}, files };
  }
  return { body: JSON.parse(raw.toString('utf8')), files: [] };
}
