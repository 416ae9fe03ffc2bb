/**
 * Builds the Telegram adapter against a fresh fake Bot API with Ada's chats
 * (private, supergroup, forum topic), and a recording adapter context for
 * tests that drive the adapter without a whole gateway.
 */
import type { AdapterContext, InboundMessage, IngestResult } from '../../../src/adapters/contract.ts';
import { TelegramAdapter, type TelegramOptions } from '../../../src/adapters/telegram/index.ts';
import type { ContractHarness, PeerChat } from '../contract/adapter-contract.ts';
import { FakeBotApi } from './fake-bot-api.ts';
import { ADA, createTelegramPeer, DM_CHAT, FORUM_CHAT, GROUP_CHAT, TOKEN } from './telegram-peer.ts';

/** A fake with Ada's chats and a forum topic. */
export interface TelegramWorld {
  api: FakeBotApi;
  dm: PeerChat;
  group: PeerChat;
  thread: PeerChat;
  /** Closes the fake; throws when it sent anything the Bot API schema refuses. */
  close(): Promise<void>;
}

/** Starts a fake Bot API with Ada's chats. */
export async function createTelegramWorld(): Promise<TelegramWorld> {
  const api = new FakeBotApi({ token: TOKEN });
  await api.start();
  api.addChat(DM_CHAT);
  api.addChat(GROUP_CHAT);
  api.addChat(FORUM_CHAT);
  const topic = api.addTopic(FORUM_CHAT.id, 'Ideas', ADA);
  return {
    api,
    dm: { kind: 'dm', id: String(DM_CHAT.id) },
    group: { kind: 'group', id: String(GROUP_CHAT.id) },
    thread: { kind: 'group', id: String(FORUM_CHAT.id), threadId: String(topic) },
    async close() {
      await api.close();
      if (api.violations.length > 0) {
        throw new Error(`The fake Bot API sent objects the schema refuses:\n${api.violations.join('\n')}`);
      }
    },
  };
}

/** A Telegram adapter pointed at a fake. */
export function adapterFor(api: FakeBotApi, options: Partial<TelegramOptions> = {}): TelegramAdapter {
  return new TelegramAdapter({ token: TOKEN, apiRoot: api.url, ...options });
}

/** The contract harness: groups answer every message (`require_mention: false`). */
export async function createTelegramHarness(): Promise<ContractHarness> {
  const world = await createTelegramWorld();
  return {
    adapter: adapterFor(world.api, { requireMention: false }),
    peer: createTelegramPeer(world.api),
    dm: world.dm,
    group: world.group,
    thread: world.thread,
    editIntervalMs: 1000,
    close: () => world.close(),
  };
}

/** One log call of the adapter. */
export interface LogLine {
  level: 'info' | 'warn' | 'error' | 'debug';
  obj: object;
  msg: string | undefined;
}

/** An adapter context that records what the adapter does. */
export interface RecordingContext {
  ctx: AdapterContext;
  ingested: InboundMessage[];
  errors: unknown[];
  healthy: number;
  logs: LogLine[];
  abort(): void;
}

/**
 * A context whose `ingest` records messages (and can be slowed down with `gate`).
 *
 * @param gate awaited before each ingest resolves, to hold acknowledgements back
 */
export function recordingContext(gate?: (message: InboundMessage) => Promise<void>): RecordingContext {
  const controller = new AbortController();
  const record: RecordingContext = {
    ingested: [],
    errors: [],
    healthy: 0,
    logs: [],
    abort: () => controller.abort(),
    ctx: undefined as unknown as AdapterContext,
  };
  const line = (level: LogLine['level']) => (obj: object, msg?: string) => {
    record.logs.push({ level, obj, msg });
  };
  let inboxId = 0;
  record.ctx = {
    signal: controller.signal,
    log: { info: line('info'), warn: line('warn'), error: line('error'), debug: line('debug') },
    async ingest(message): Promise<IngestResult> {
      await gate?.(message);
      record.ingested.push(message);
      inboxId += 1;
      return { inboxId, duplicate: false, sessionKey: `telegram:${message.chatType}:${message.chatId}` };
    },
    reportError: (error) => {
      record.errors.push(error);
    },
    reportHealthy: () => {
      record.healthy += 1;
    },
  };
  return record;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
