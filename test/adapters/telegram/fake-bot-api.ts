/**
 * A loopback fake of the Telegram Bot API (node:http), speaking the real wire
 * protocol: `POST /bot<token>/<method>` with JSON, form or multipart bodies,
 * answers `{ ok: true, result }` or `{ ok: false, error_code, description,
 * parameters }` with the matching HTTP status; `getUpdates` long-polls with
 * offset/timeout and answers 409 while a webhook is set; webhooks are POSTed
 * with `X-Telegram-Bot-Api-Secret-Token`; `getFile` paths download from
 * `/file/bot<token>/<path>`. Every Update it hands out and every Message,
 * File and User it answers with is checked against the schema generated from
 * @grammyjs/types; problems are collected in `violations`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BotCommand, Chat, File, Message, Update, User, UserFromGetMe } from 'grammy/types';
import { type BotApiType, botApiValidator } from './bot-api-schema.ts';

/** An error answer of the Bot API. */
export interface ApiFailure {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** A file stored on the fake (uploaded by a user or by the bot). */
export interface StoredFile {
  fileId: string;
  uniqueId: string;
  path: string;
  fileName: string;
  mimeType: string;
  data: Buffer;
}

/** A message in a chat, with what the fake knows about its history. */
export interface StoredMessage {
  message: Message;
  /** When each edit arrived (ms since epoch). */
  editTimes: number[];
  deleted: boolean;
  /** Whether the bot sent it through the API (not injected as an update by a test). */
  viaApi: boolean;
  /** Files the bot uploaded with this message. */
  files: { kind: 'image' | 'file' | 'voice'; file: StoredFile }[];
}

/** One API call the bot made. */
export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
}

/** Answers a call instead of the fake's own logic; return undefined to let it through. */
export type Override = (params: Record<string, unknown>, callNumber: number) => ApiFailure | undefined;

interface ChatState {
  chat: Chat;
  nextMessageId: number;
  messages: Map<number, StoredMessage>;
  /** Forum topics by thread id, with their creation message. */
  topics: Map<number, Message>;
}

interface Poller {
  offset: number;
  limit: number;
  wake: () => void;
}

/** Options of `FakeBotApi`. */
export interface FakeBotApiOptions {
  token: string;
  botId?: number;
  botUsername?: string;
}

/**
 * The fake Bot API server.
 *
 * @example
 * const api = new FakeBotApi({ token: '123:secret' });
 * await api.start();
 * const bot = new Bot('123:secret', { client: { apiRoot: api.url } });
 */
export class FakeBotApi {
  readonly token: string;
  readonly me: UserFromGetMe;
  /** Every call the bot made, in order. */
  readonly calls: ApiCall[] = [];
  /** Schema violations in what the fake sent (must stay empty). */
  readonly violations: string[] = [];
  /** The command menu set with setMyCommands. */
  commands: BotCommand[] = [];
  /** The webhook set with setWebhook. */
  webhook: { url: string; secret?: string } | undefined;
  /** Statuses the bot's webhook answered, in order. */
  readonly webhookAnswers: { updateId: number; status: number }[] = [];
  readonly #chats = new Map<number, ChatState>();
  readonly #files = new Map<string, StoredFile>();
  readonly #overrides = new Map<string, Override>();
  readonly #callCounts = new Map<string, number>();
  #queue: Update[] = [];
  #nextUpdateId = 100;
  #nextFile = 1;
  #pollers = new Set<Poller>();
  #server: Server | undefined;
  #validate = botApiValidator();

  constructor(options: FakeBotApiOptions) {
    this.token = options.token;
    this.me = {
      id: options.botId ?? Number(options.token.split(':')[0]),
      is_bot: true,
      first_name: 'Hermes',
      username: options.botUsername ?? 'hermes_test_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    } as UserFromGetMe;
    this.#check('UserFromGetMe', this.me);
  }

  /** The API root to give grammY (`client.apiRoot`). */
  get url(): string {
    const address = this.#server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('the fake Bot API is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  /** The bot as a message sender. */
  get botUser(): User {
    return { id: this.me.id, is_bot: true, first_name: this.me.first_name, username: this.me.username };
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.#serve(req, res).catch((error) => {
        this.violations.push(`fake crashed: ${String(error)}`);
        if (!res.headersSent) send(res, 500, { ok: false, error_code: 500, description: String(error) });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
  }

  async close(): Promise<void> {
    for (const poller of this.#pollers) poller.wake();
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Makes `method` answer through `override` (e.g. a 429 or a 409). */
  override(method: string, override: Override | undefined): void {
    if (override) this.#overrides.set(method, override);
    else this.#overrides.delete(method);
  }

  /** Calls of one method. */
  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  // ---- chats and the user side ----

  /** Adds a chat (private chat, group, supergroup or forum). */
  addChat(chat: Chat): void {
    this.#chats.set(chat.id, { chat, nextMessageId: 1, messages: new Map(), topics: new Map() });
  }

  /** Opens a forum topic in a forum supergroup; returns its thread id. */
  addTopic(chatId: number, name: string, creator: User): number {
    const state = this.#chat(chatId);
    const id = state.nextMessageId++;
    const created = {
      message_id: id,
      from: creator,
      chat: state.chat,
      date: now(),
      message_thread_id: id,
      is_topic_message: true,
      forum_topic_created: { name, icon_color: 7322096 },
    } as Message;
    this.#check('Message', created);
    state.messages.set(id, { message: created, editTimes: [], deleted: false, viaApi: false, files: [] });
    state.topics.set(id, created);
    return id;
  }

  /** Stores a file a user uploads; returns its stored form. */
  storeFile(data: Buffer, fileName: string, mimeType: string, folder = 'documents'): StoredFile {
    const n = this.#nextFile++;
    const file: StoredFile = {
      fileId: `BQACAgIAAxkBAAI${n}file`,
      uniqueId: `AgAD${n}`,
      path: `${folder}/file_${n}${extension(fileName)}`,
      fileName,
      mimeType,
      data,
    };
    this.#files.set(file.fileId, file);
    return file;
  }

  /**
   * A message arrives in a chat: it gets the next message id and is delivered
   * as an update (queued for getUpdates, or POSTed to the webhook).
   */
  async post(chatId: number, fields: Partial<Message> & { from: User }): Promise<Message> {
    const state = this.#chat(chatId);
    const id = state.nextMessageId++;
    const thread = fields.message_thread_id;
    const topic = thread !== undefined ? state.topics.get(thread) : undefined;
    const message = {
      message_id: id,
      date: now(),
      chat: state.chat,
      ...(topic ? { is_topic_message: true, reply_to_message: topic } : {}),
      ...fields,
    } as Message;
    this.#check('Message', message);
    state.messages.set(id, { message, editTimes: [], deleted: false, viaApi: false, files: [] });
    await this.deliver({ message } as Omit<Update, 'update_id'>);
    return message;
  }

  /** A message already posted in a chat. */
  message(chatId: number, messageId: number): StoredMessage | undefined {
    return this.#chats.get(chatId)?.messages.get(messageId);
  }

  /** Every message in a chat, oldest first (deleted ones included). */
  messages(chatId: number): StoredMessage[] {
    return [...(this.#chats.get(chatId)?.messages.values() ?? [])].sort(
      (a, b) => a.message.message_id - b.message.message_id,
    );
  }

  /** Hands an update to the bot: to the webhook when one is set, else to getUpdates. */
  async deliver(payload: Omit<Update, 'update_id'>): Promise<Update> {
    const update = { update_id: this.#nextUpdateId++, ...payload } as Update;
    this.#check('Update', update);
    const problems = this.#validate('Update', update);
    if (problems.length > 0) throw new Error(`the fake built an invalid Update: ${problems.join('; ')}`);
    if (this.webhook) {
      const status = await this.#postWebhook(update);
      this.webhookAnswers.push({ updateId: update.update_id, status });
    } else {
      this.#queue.push(update);
      for (const poller of this.#pollers) poller.wake();
    }
    return update;
  }

  /** Answers every waiting long poll now (as Telegram does when its timeout runs out). */
  releasePolls(): void {
    for (const poller of this.#pollers) poller.wake();
  }

  /** Updates not yet confirmed by the bot (offset). */
  get pendingUpdates(): readonly Update[] {
    return this.#queue;
  }

  // ---- HTTP ----

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file && req.method === 'GET')
      return this.#download(res, file[1] as string, decodeURIComponent(file[2] as string));
    const call = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!call) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (call[1] !== this.token)
      return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = call[2] as string;
    const body = await readParams(req);
    const query = Object.fromEntries([...url.searchParams].map(([k, v]) => [k, coerce(v)]));
    const normalised = {
      ...query,
      ...(body.json
        ? body.params
        : Object.fromEntries(Object.entries(body.params).map(([k, v]) => [k, coerce(v)]))),
    };
    this.calls.push({ method, params: normalised, at: Date.now() });
    const count = (this.#callCounts.get(method) ?? 0) + 1;
    this.#callCounts.set(method, count);
    const failure = this.#overrides.get(method)?.(normalised, count);
    if (failure) return send(res, failure.error_code, { ok: false, ...failure });
    let result: unknown;
    try {
      result = await this.#method(method, normalised, req);
    } catch (error) {
      if (isFailure(error)) return send(res, error.error_code, { ok: false, ...error });
      throw error;
    }
    send(res, 200, { ok: true, result });
  }

  async #method(method: string, p: Record<string, unknown>, req: IncomingMessage): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return this.me;
      case 'getUpdates':
        return this.#getUpdates(p, req);
      case 'setWebhook':
        this.webhook = {
          url: String(p.url),
          ...(p.secret_token !== undefined ? { secret: String(p.secret_token) } : {}),
        };
        return true;
      case 'deleteWebhook':
        this.webhook = undefined;
        if (p.drop_pending_updates === true) this.#queue = [];
        return true;
      case 'sendMessage':
        return this.#botMessage(p, { text: String(p.text ?? '') });
      case 'sendPhoto':
      case 'sendDocument':
      case 'sendVoice':
        return this.#botMedia(method, p);
      case 'editMessageText':
        return this.#edit(p);
      case 'deleteMessage':
        return this.#delete(p);
      case 'sendChatAction':
        this.#chat(Number(p.chat_id));
        return true;
      case 'setMyCommands':
        return this.#setCommands(p);
      case 'getFile':
        return this.#getFile(p);
      default:
        throw failure(404, 'Not Found');
    }
  }

  async #getUpdates(p: Record<string, unknown>, req: IncomingMessage): Promise<Update[]> {
    if (this.webhook) {
      throw failure(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const offset = typeof p.offset === 'number' ? p.offset : 0;
    const limit = typeof p.limit === 'number' ? p.limit : 100;
    const timeout = typeof p.timeout === 'number' ? p.timeout : 0;
    const take = () => {
      if (offset > 0) this.#queue = this.#queue.filter((u) => u.update_id >= offset);
      return this.#queue.slice(0, limit);
    };
    const ready = take();
    if (ready.length > 0 || timeout <= 0) return ready;
    await new Promise<void>((resolve) => {
      const poller: Poller = { offset, limit, wake: () => done() };
      const timer = setTimeout(() => done(), timeout * 1000);
      const done = () => {
        clearTimeout(timer);
        this.#pollers.delete(poller);
        req.off('close', done);
        resolve();
      };
      this.#pollers.add(poller);
      req.on('close', done);
    });
    return take();
  }

  #botMessage(p: Record<string, unknown>, content: Partial<Message>): Message {
    const state = this.#chat(Number(p.chat_id));
    const thread = p.message_thread_id;
    if (thread !== undefined && !state.topics.has(Number(thread))) {
      throw failure(400, 'Bad Request: message thread not found');
    }
    const replyParameters = p.reply_parameters as { message_id?: number } | undefined;
    const replied =
      replyParameters?.message_id !== undefined ? state.messages.get(replyParameters.message_id) : undefined;
    const topic = thread !== undefined ? state.topics.get(Number(thread)) : undefined;
    const id = state.nextMessageId++;
    const message = {
      message_id: id,
      from: this.botUser,
      chat: state.chat,
      date: now(),
      ...(thread !== undefined ? { message_thread_id: Number(thread), is_topic_message: true } : {}),
      ...(replied
        ? { reply_to_message: withoutReply(replied.message) }
        : topic
          ? { reply_to_message: topic }
          : {}),
      ...content,
    } as Message;
    this.#check('Message', message);
    state.messages.set(id, { message, editTimes: [], deleted: false, viaApi: true, files: [] });
    return message;
  }

  #botMedia(method: string, p: Record<string, unknown>): Message {
    const field = method === 'sendPhoto' ? 'photo' : method === 'sendVoice' ? 'voice' : 'document';
    const value = p[field];
    const upload =
      typeof value === 'string' && value.startsWith('attach://') ? p[value.slice('attach://'.length)] : value;
    if (!(upload instanceof Blob)) throw failure(400, `Bad Request: there is no ${field} in the request`);
    const uploaded = upload as Blob & { name?: string };
    return this.#botMediaFrom(field, p, uploaded);
  }

  #botMediaFrom(
    field: 'photo' | 'voice' | 'document',
    p: Record<string, unknown>,
    upload: Blob & { name?: string },
  ): Message {
    const data = (upload as unknown as { content: Buffer }).content;
    const fileName = upload.name ?? `${field}.dat`;
    const kind = field === 'photo' ? 'image' : field === 'voice' ? 'voice' : 'file';
    const mimeType = field === 'photo' ? 'image/jpeg' : field === 'voice' ? 'audio/ogg' : guessMime(fileName);
    const stored = this.storeFile(
      data,
      fileName,
      mimeType,
      field === 'photo' ? 'photos' : field === 'voice' ? 'voice' : 'documents',
    );
    const caption = p.caption !== undefined ? { caption: String(p.caption) } : {};
    const media =
      field === 'photo'
        ? {
            photo: [
              {
                file_id: stored.fileId,
                file_unique_id: stored.uniqueId,
                width: 640,
                height: 480,
                file_size: data.length,
              },
            ],
          }
        : field === 'voice'
          ? {
              voice: {
                file_id: stored.fileId,
                file_unique_id: stored.uniqueId,
                duration: 1,
                mime_type: 'audio/ogg',
                file_size: data.length,
              },
            }
          : {
              document: {
                file_id: stored.fileId,
                file_unique_id: stored.uniqueId,
                file_name: fileName,
                mime_type: mimeType,
                file_size: data.length,
              },
            };
    const message = this.#botMessage(p, { ...media, ...caption } as Partial<Message>);
    const entry = this.#chat(message.chat.id).messages.get(message.message_id) as StoredMessage;
    entry.files.push({ kind, file: stored });
    return message;
  }

  #edit(p: Record<string, unknown>): Message {
    const entry = this.#chat(Number(p.chat_id)).messages.get(Number(p.message_id));
    if (!entry || entry.deleted) throw failure(400, 'Bad Request: message to edit not found');
    if (entry.message.from?.id !== this.me.id) throw failure(400, "Bad Request: message can't be edited");
    const text = String(p.text ?? '');
    if (text === '') throw failure(400, 'Bad Request: message text is empty');
    if (entry.message.text === text) {
      throw failure(
        400,
        'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    entry.message = { ...entry.message, text, edit_date: now() } as Message;
    entry.editTimes.push(Date.now());
    this.#check('Message', entry.message);
    return entry.message;
  }

  #delete(p: Record<string, unknown>): boolean {
    const entry = this.#chat(Number(p.chat_id)).messages.get(Number(p.message_id));
    if (!entry || entry.deleted) throw failure(400, 'Bad Request: message to delete not found');
    entry.deleted = true;
    return true;
  }

  #setCommands(p: Record<string, unknown>): boolean {
    const commands = p.commands as BotCommand[] | undefined;
    if (!Array.isArray(commands)) throw failure(400, 'Bad Request: commands must be an array');
    for (const c of commands) {
      if (!/^[a-z0-9_]{1,32}$/.test(c.command) || !c.description || c.description.length > 256) {
        throw failure(400, 'Bad Request: BOT_COMMAND_INVALID');
      }
    }
    this.commands = commands;
    return true;
  }

  #getFile(p: Record<string, unknown>): File {
    const stored = this.#files.get(String(p.file_id));
    if (!stored) throw failure(400, 'Bad Request: invalid file_id');
    const file: File = {
      file_id: stored.fileId,
      file_unique_id: stored.uniqueId,
      file_size: stored.data.length,
      file_path: stored.path,
    };
    this.#check('File', file);
    return file;
  }

  #download(res: ServerResponse, token: string, path: string): void {
    const stored = [...this.#files.values()].find((f) => f.path === path);
    if (token !== this.token) {
      send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      return;
    }
    if (!stored) {
      send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': stored.data.length });
    res.end(stored.data);
  }

  async #postWebhook(update: Update): Promise<number> {
    const hook = this.webhook as { url: string; secret?: string };
    try {
      const response = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(hook.secret ? { 'x-telegram-bot-api-secret-token': hook.secret } : {}),
        },
        body: JSON.stringify(update),
      });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  }

  #chat(chatId: number): ChatState {
    const state = this.#chats.get(chatId);
    if (!state) throw failure(400, 'Bad Request: chat not found');
    return state;
  }

  #check(type: BotApiType, value: unknown): void {
    for (const problem of this.#validate(type, value)) this.violations.push(problem);
  }
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function failure(error_code: number, description: string): ApiFailure {
  return { error_code, description };
}

function isFailure(value: unknown): value is ApiFailure {
  return typeof value === 'object' && value !== null && 'error_code' in value && 'description' in value;
}

/** A replied-to message as Telegram nests it: without its own reply. */
function withoutReply(message: Message): Message {
  const { reply_to_message: _, ...rest } = message;
  return rest as Message;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reads the parameters of a call: JSON, urlencoded or multipart (files as Blobs carrying their bytes). */
async function readParams(req: IncomingMessage): Promise<{ params: Record<string, unknown>; json: boolean }> {
  const params = await readBody(req);
  return { params: params.value, json: params.json };
}

async function readBody(req: IncomingMessage): Promise<{ value: Record<string, unknown>; json: boolean }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  if (body.length === 0) return { value: {}, json: false };
  if (type.startsWith('application/json')) {
    return { value: JSON.parse(body.toString('utf8')) as Record<string, unknown>, json: true };
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return { value: Object.fromEntries(new URLSearchParams(body.toString('utf8'))), json: false };
  }
  if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://127.0.0.1/', {
      method: 'POST',
      headers: { 'content-type': type },
      body,
    }).formData();
    const out: Record<string, unknown> = {};
    for (const [key, value] of form) {
      if (typeof value === 'string') out[key] = value;
      else out[key] = Object.assign(value, { content: Buffer.from(await value.arrayBuffer()) });
    }
    return { value: out, json: false };
  }
  throw failure(400, `Bad Request: unsupported content type ${type}`);
}

/** Form and multipart values arrive as strings: numbers, booleans and JSON objects are decoded as Telegram does. */
function coerce(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (/^-?\d+$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

function extension(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot === -1 ? '' : fileName.slice(dot);
}

function guessMime(fileName: string): string {
  const ext = extension(fileName).toLowerCase();
  const known: Record<string, string> = {
    '.pdf': 'application/pdf',
    '.csv': 'text/csv',
    '.txt': 'text/plain',
    '.json': 'application/json',
    '.png': 'image/png',
    '.jpg': 'image/jpeg',
    '.ogg': 'audio/ogg',
  };
  return known[ext] ?? 'application/octet-stream';
}
