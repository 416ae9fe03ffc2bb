/**
 * Test rigs for the WhatsApp adapter: the contract harness (a fake WhatsApp,
 * a media host and a peer playing the user), and a recording `AdapterContext`
 * for tests that drive the adapter directly.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WAMessage } from 'baileys';
import { vi } from 'vitest';
import type { AdapterContext, InboundMessage, IngestResult } from '../../../src/adapters/contract.ts';
import { WhatsAppAdapter, type WhatsAppAdapterOptions } from '../../../src/adapters/whatsapp/index.ts';
import type {
  ContractHarness,
  PeerChat,
  PeerFile,
  PlatformPeer,
  SeenMessage,
} from '../contract/adapter-contract.ts';
import { FakeWhatsApp } from './fake-whatsapp.ts';
import { MediaHost, userMessage } from './wa-messages.ts';

/** The test user's DM chat and phone number. */
export const USER_JID = '15550000001@s.whatsapp.net';
export const USER_NUMBER = '15550000001';
/** A group the user and the bot are in, and a second member. */
export const GROUP_JID = '120363025000000001@g.us';
export const MEMBER_JID = '15550000002@s.whatsapp.net';

/** A temporary HERMES_HOME. */
export async function tempHome(): Promise<{ home: string; remove(): Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), 'hermes-whatsapp-'));
  return { home, remove: () => rm(home, { recursive: true, force: true }) };
}

/** The messages the bot posted in a chat, from the recorded `sendMessage` calls with edits and deletes applied. */
export function seenMessages(fake: FakeWhatsApp, jid: string): SeenMessage[] {
  const seen: SeenMessage[] = [];
  for (const call of fake.sent) {
    if (call.jid !== jid) continue;
    const c = call.content as Record<string, unknown>;
    const target = (c.edit ?? c.delete) as { id?: string } | undefined;
    if (c.edit) {
      const message = seen.find((m) => m.id === `${jid}:${target?.id}`);
      if (message) {
        message.text = c.text as string;
        message.editTimes.push(call.at);
      }
      continue;
    }
    if (c.delete) {
      const at = seen.findIndex((m) => m.id === `${jid}:${target?.id}`);
      if (at >= 0) seen.splice(at, 1);
      continue;
    }
    const files: PeerFile[] = [];
    if (c.image) {
      files.push({ kind: 'image', fileName: 'image', mimeType: 'image/*', data: bytesOf(c.image) });
    }
    if (c.audio) {
      files.push({
        kind: 'voice',
        fileName: 'voice.ogg',
        mimeType: c.mimetype as string,
        data: bytesOf(c.audio),
      });
    }
    if (c.document) {
      files.push({
        kind: 'file',
        fileName: c.fileName as string,
        mimeType: c.mimetype as string,
        data: bytesOf(c.document),
      });
    }
    seen.push({
      id: `${jid}:${call.key.id}`,
      text: ((c.text ?? c.caption ?? '') as string) || '',
      editTimes: [],
      files,
    });
  }
  return seen;
}

function bytesOf(media: unknown): Buffer {
  if (Buffer.isBuffer(media)) return media;
  // baileys reads `{ url }` itself: a local path is read here as it would be
  const url = (media as { url?: unknown } | undefined)?.url;
  return typeof url === 'string' && url.startsWith('/') ? readFileSync(url) : Buffer.alloc(0);
}

/** Everything the WhatsApp tests share: a fake WhatsApp, a media host, a home and an adapter. */
export interface WhatsAppRig {
  fake: FakeWhatsApp;
  media: MediaHost;
  home: string;
  adapter: WhatsAppAdapter;
  /** Messages the peer sent, by platform message id (for redelivery). */
  delivered: Map<string, WAMessage>;
  peer: PlatformPeer;
  close(): Promise<void>;
}

/** Builds a rig; the fake treats the device as linked unless `linked: false`. */
export async function makeRig(
  opts: { linked?: boolean; adapter?: Partial<WhatsAppAdapterOptions> } = {},
): Promise<WhatsAppRig> {
  const fake = new FakeWhatsApp({ linked: opts.linked ?? true });
  const media = await MediaHost.start();
  const { home, remove } = await tempHome();
  const adapter = new WhatsAppAdapter({ home, makeSocket: fake.makeSocket, ...opts.adapter });
  const delivered = new Map<string, WAMessage>();
  const peer: PlatformPeer = {
    async userSends(chat: PeerChat, text: string, file?: PeerFile) {
      const uploaded = file
        ? await media.upload({
            kind: file.kind === 'image' ? 'image' : file.kind === 'voice' ? 'audio' : 'document',
            data: file.data,
            mimeType: file.mimeType,
            fileName: file.fileName,
          })
        : undefined;
      const wa = userMessage({
        chat: chat.id,
        text,
        ...(chat.kind === 'group' ? { participant: MEMBER_JID } : {}),
        ...(uploaded ? { media: uploaded } : {}),
      });
      const id = `${chat.id}:${wa.key.id}`;
      delivered.set(id, wa);
      fake.deliver([wa]);
      return id;
    },
    async selfSends(chat: PeerChat, text: string) {
      fake.deliver([userMessage({ chat: chat.id, text, fromMe: true })]);
    },
    async redeliver(_chat: PeerChat, platformMessageId: string) {
      const wa = delivered.get(platformMessageId);
      if (!wa) throw new Error(`no message ${platformMessageId} was sent`);
      fake.deliver([wa]);
    },
    async botMessages(chat: PeerChat) {
      return seenMessages(fake, chat.id);
    },
  };
  return {
    fake,
    media,
    home,
    adapter,
    delivered,
    peer,
    async close() {
      await adapter.stop();
      await media.close();
      await remove();
    },
  };
}

/** The contract harness on the rig. */
export async function makeWhatsAppHarness(): Promise<ContractHarness> {
  const rig = await makeRig();
  return {
    adapter: rig.adapter,
    peer: rig.peer,
    dm: { kind: 'dm', id: USER_JID },
    group: { kind: 'group', id: GROUP_JID },
    editIntervalMs: 1500,
    close: () => rig.close(),
  };
}

/** One log call. */
export interface LogLine {
  level: 'info' | 'warn' | 'error' | 'debug';
  obj: object;
  msg: string | undefined;
}

/** A recording `AdapterContext`: accepts every message (deduplicated) and records logs and error reports. */
export interface TestContext {
  ctx: AdapterContext;
  ingested: InboundMessage[];
  logs: LogLine[];
  errors: unknown[];
  healthy: number;
  /** Decides what `ingest` answers as `refused` for a message (default: accept everything). */
  refuse: ((message: InboundMessage) => IngestResult['refused']) | undefined;
  abort(): void;
  /** Waits until `count` messages were accepted. */
  ingestedCount(count: number): Promise<void>;
  /** Log lines whose message matches. */
  lines(pattern: RegExp): LogLine[];
}

export function testContext(): TestContext {
  const controller = new AbortController();
  const seen = new Set<string>();
  const record =
    (level: LogLine['level']) =>
    (obj: object, msg?: string): void => {
      t.logs.push({ level, obj, msg });
    };
  const t: TestContext = {
    ingested: [],
    logs: [],
    errors: [],
    healthy: 0,
    refuse: undefined,
    ctx: {
      async ingest(message) {
        const refused = t.refuse?.(message);
        const duplicate = seen.has(message.platformMessageId);
        if (!refused) seen.add(message.platformMessageId);
        if (!duplicate && !refused) t.ingested.push(message);
        return {
          inboxId: t.ingested.length,
          duplicate,
          sessionKey: `whatsapp:${message.chatType}:${message.chatId}`,
          ...(refused ? { refused } : {}),
        };
      },
      log: { info: record('info'), warn: record('warn'), error: record('error'), debug: record('debug') },
      signal: controller.signal,
      reportError: (error) => t.errors.push(error),
      reportHealthy: () => {
        t.healthy += 1;
      },
    },
    abort: () => controller.abort(),
    ingestedCount: (count) =>
      vi.waitFor(
        () => {
          if (t.ingested.length < count)
            throw new Error(`${t.ingested.length} of ${count} messages accepted`);
        },
        { timeout: 10_000, interval: 10 },
      ),
    lines: (pattern) => t.logs.filter((l) => pattern.test(l.msg ?? '')),
  };
  return t;
}
