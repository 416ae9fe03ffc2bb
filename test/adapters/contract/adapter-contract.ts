/**
 * The adapter contract suite: one set of behaviours every platform adapter must
 * show, run against each adapter through its loopback fake (as Hono runs one
 * router suite against every router). A harness gives the suite an adapter
 * pointed at the fake and a peer that plays the human on the platform's wire
 * protocol; the suite runs the adapter inside a real gateway and checks what
 * the human sees.
 *
 * @example
 * runAdapterContract('telegram', async () => createTelegramHarness());
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Adapter, AdapterContext, InboundMessage } from '../../../src/adapters/contract.ts';
import type { Agent, AgentRequest } from '../../../src/agent/agent.ts';
import { createEchoAgent } from '../../../src/agent/echo-agent.ts';
import { lastUserText } from '../../../src/agent/last-user-message.ts';
import { createMemoryStore } from '../../../src/persistence/memory-store.ts';
import { createGateway, type Gateway } from '../../../src/runtime/create-gateway.ts';

/** Retries `check` until it stops throwing (default 15 s). */
function eventually(check: () => unknown, timeout = 15_000): Promise<unknown> {
  return vi.waitFor(check, { timeout, interval: 25 });
}

/** A conversation on the fake platform, as the peer names it. */
export interface PeerChat {
  kind: 'dm' | 'group';
  /** Platform chat id (room, channel, address...). */
  id: string;
  /** A thread or topic inside the chat. */
  threadId?: string;
}

/** A file a user sends or the bot sent. */
export interface PeerFile {
  kind: 'image' | 'file' | 'voice';
  fileName: string;
  mimeType: string;
  data: Buffer;
}

/** A message of the bot as the human sees it on the platform. */
export interface SeenMessage {
  /** Platform message id. */
  id: string;
  /** Current text (after every edit). */
  text: string;
  /** Thread it was posted in, when the platform has threads. */
  threadId?: string;
  /** When each edit reached the platform (ms since epoch), in order. */
  editTimes: number[];
  /** Files attached to it, with their bytes. */
  files: PeerFile[];
}

/** The human side, speaking the platform's real protocol to the fake. */
export interface PlatformPeer {
  /** A user writes (and optionally attaches a file); resolves with the platform message id. */
  userSends(chat: PeerChat, text: string, file?: PeerFile): Promise<string>;
  /**
   * The bot's own account posts in the chat, as platforms echo the bot's messages
   * back to it (Discord, Slack, Matrix, WhatsApp). The adapter must ignore it.
   */
  selfSends(chat: PeerChat, text: string): Promise<void>;
  /** The platform delivers the update of that message again (a retry or a replay after reconnect). */
  redeliver(chat: PeerChat, platformMessageId: string): Promise<void>;
  /** Messages the bot has posted in the chat (all threads), oldest first, deletions removed. */
  botMessages(chat: PeerChat): Promise<SeenMessage[]>;
}

/** What each adapter's harness gives the suite. */
export interface ContractHarness {
  /** The adapter, configured against the fake; the suite starts and stops it through a gateway. */
  adapter: Adapter;
  peer: PlatformPeer;
  /** A direct conversation with the test user. */
  dm: PeerChat;
  /** A group conversation, where the platform has them. */
  group?: PeerChat;
  /** A thread inside a group (or a thread of its own, like an email thread), where the platform has threads. */
  thread?: PeerChat;
  /** The fewest milliseconds the adapter leaves between two edits of one streamed message. */
  editIntervalMs: number;
  /** Stops the fake and frees its port. */
  close(): Promise<void>;
}

/** An agent that streams its answer slowly, so several edits are needed. */
function slowStreamingAgent(pieces: number, gapMs: number): Agent {
  return {
    name: 'slow-stream',
    async run(request: AgentRequest) {
      const text = lastUserText(request.messages);
      const words = Array.from({ length: pieces }, (_, i) => `part${i + 1}`);
      for (const word of words) {
        await new Promise((r) => setTimeout(r, gapMs));
        request.onEvent({ type: 'text.delta', text: `${word} ` });
      }
      const answer = `${words.join(' ')} (${text})`;
      return {
        text: answer,
        usage: { inputTokens: 1, outputTokens: pieces },
        messages: [{ role: 'assistant' as const, content: answer }],
      };
    },
  };
}

/** An agent whose answer is always `words`, joined by spaces (a reply longer than a user could type). */
function longAnswerAgent(words: string[]): Agent {
  return {
    name: 'long-answer',
    async run() {
      const text = words.join(' ');
      return {
        text,
        usage: { inputTokens: 1, outputTokens: words.length },
        messages: [{ role: 'assistant', content: text }],
      };
    },
  };
}

/** Texts of the bot's messages in a chat. */
async function texts(peer: PlatformPeer, chat: PeerChat): Promise<string[]> {
  return (await peer.botMessages(chat)).map((m) => m.text);
}

/**
 * Runs the contract suite against one adapter.
 *
 * @param name the platform (test titles)
 * @param makeHarness builds a fresh fake, peer and adapter for each test
 */
export function runAdapterContract(name: string, makeHarness: () => Promise<ContractHarness>): void {
  describe(`adapter contract: ${name}`, () => {
    let h: ContractHarness;
    let gateway: Gateway | undefined;
    let inbound: InboundMessage[];

    beforeEach(async () => {
      h = await makeHarness();
      inbound = [];
      const start = h.adapter.start.bind(h.adapter);
      h.adapter.start = (ctx: AdapterContext) =>
        start({
          ...ctx,
          ingest: (message) => {
            inbound.push(message);
            return ctx.ingest(message);
          },
        });
    });

    afterEach(async () => {
      await gateway?.stop();
      gateway = undefined;
      await h.close();
    });

    async function boot(agent: Agent = createEchoAgent()): Promise<Gateway> {
      gateway = createGateway({ store: createMemoryStore(), agent, adapters: [h.adapter] });
      await gateway.start();
      return gateway;
    }

    it('declares its capabilities with a sane message length', () => {
      expect(h.adapter.capabilities.maxMessageLength).toBeGreaterThanOrEqual(100);
      if (h.adapter.capabilities.edit) expect(typeof h.adapter.edit).toBe('function');
      if (h.adapter.capabilities.delete) expect(typeof h.adapter.delete).toBe('function');
      if (h.adapter.capabilities.reactions) expect(typeof h.adapter.react).toBe('function');
      if (h.adapter.capabilities.typing) expect(typeof h.adapter.sendTyping).toBe('function');
      if (h.adapter.capabilities.streaming)
        expect(h.adapter.capabilities.edit || typeof h.adapter.streamDelta === 'function').toBe(true);
    });

    it('answers a direct message in the same chat, with the sender normalised', async () => {
      await boot();
      const id = await h.peer.userSends(h.dm, 'hello there');
      await eventually(async () => expect(await texts(h.peer, h.dm)).toEqual(['hello there']));
      expect(inbound).toHaveLength(1);
      const m = inbound[0] as InboundMessage;
      expect(m).toMatchObject({
        platform: h.adapter.name,
        chatType: 'dm',
        text: 'hello there',
        platformMessageId: id,
      });
      expect(m.userId).not.toBe('');
    });

    it('answers in a group as a group', async () => {
      if (!h.group) return;
      await boot();
      await h.peer.userSends(h.group, 'hello group');
      await eventually(async () => expect(await texts(h.peer, h.group as PeerChat)).toEqual(['hello group']));
      expect(inbound[0]?.chatType).toBe('group');
    });

    it('answers a thread inside that thread (thread id round trip)', async () => {
      if (!h.thread) return;
      expect(h.adapter.capabilities.threads).toBe(true);
      await boot();
      await h.peer.userSends(h.thread, 'in the thread');
      const thread = h.thread;
      await eventually(async () => {
        const seen = await h.peer.botMessages(thread);
        expect(seen.map((m) => [m.text, m.threadId])).toEqual([['in the thread', thread.threadId]]);
      });
      expect(inbound[0]?.threadId).toBeTruthy();
    });

    it("ignores the bot's own messages", async () => {
      await boot();
      await h.peer.selfSends(h.dm, 'said by the bot itself');
      await h.peer.userSends(h.dm, 'said by the user');
      await eventually(async () => expect(await texts(h.peer, h.dm)).toContain('said by the user'));
      await gateway?.settled();
      expect(await texts(h.peer, h.dm)).toEqual(['said by the user']);
      expect(inbound.map((m) => m.text)).toEqual(['said by the user']);
    });

    it('answers a message delivered twice only once', async () => {
      await boot();
      const id = await h.peer.userSends(h.dm, 'only once');
      await eventually(async () => expect(await texts(h.peer, h.dm)).toEqual(['only once']));
      await h.peer.redeliver(h.dm, id);
      // the adapter may drop the copy itself or pass it on to the inbox, which drops it
      await new Promise((r) => setTimeout(r, 500));
      await gateway?.settled();
      expect(await texts(h.peer, h.dm)).toEqual(['only once']);
    });

    it('splits a reply longer than the platform allows, losing nothing', async () => {
      const max = h.adapter.capabilities.maxMessageLength;
      if (max > 50_000) return;
      const words = Array.from(
        { length: Math.ceil((max * 2.5) / 8) },
        (_, i) => `w${String(i).padStart(6, '0')}`,
      );
      await boot(longAnswerAgent(words));
      await h.peer.userSends(h.dm, 'tell me everything');
      await eventually(async () => {
        const seen = await texts(h.peer, h.dm);
        expect(seen.length).toBeGreaterThanOrEqual(3);
        expect(seen.join(' ').split(/\s+/)).toEqual(words);
      }, 20_000);
      for (const part of await texts(h.peer, h.dm)) expect(part.length).toBeLessThanOrEqual(max);
    });

    it('streams an answer by editing one message, throttled', async () => {
      if (!h.adapter.capabilities.streaming || !h.adapter.capabilities.edit) return;
      await boot(slowStreamingAgent(12, 60));
      await h.peer.userSends(h.dm, 'stream please');
      const final = `${Array.from({ length: 12 }, (_, i) => `part${i + 1}`).join(' ')} (stream please)`;
      await eventually(async () => expect(await texts(h.peer, h.dm)).toEqual([final]), 20_000);
      const [bubble] = await h.peer.botMessages(h.dm);
      const times = bubble?.editTimes ?? [];
      expect(times.length).toBeGreaterThanOrEqual(1);
      // ~720 ms of streaming cannot take more edits than the throttle allows (+1 for the final text)
      expect(times.length).toBeLessThanOrEqual(Math.ceil(720 / h.editIntervalMs) + 2);
      for (let i = 1; i < times.length - 1; i++) {
        expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(h.editIntervalMs - 50);
      }
    });

    it('receives a file a user attaches, with its bytes', async () => {
      if (!h.adapter.capabilities.files && !h.adapter.capabilities.images) return;
      await boot();
      const data = Buffer.from('%PDF-1.4 a small test document\n');
      const kind = h.adapter.capabilities.files ? 'file' : 'image';
      const file: PeerFile = { kind, fileName: 'report.pdf', mimeType: 'application/pdf', data };
      await h.peer.userSends(h.dm, 'see attached', file);
      await eventually(() => expect(inbound).toHaveLength(1));
      const [attachment] = inbound[0]?.attachments ?? [];
      expect(attachment).toBeDefined();
      expect(attachment?.kind).toBe(kind);
      const bytes = attachment?.dataBase64
        ? Buffer.from(attachment.dataBase64, 'base64')
        : Buffer.from(
            await (h.adapter.fetchAttachment as NonNullable<Adapter['fetchAttachment']>)(attachment!),
          );
      expect(bytes.equals(data)).toBe(true);
    });

    it('sends a file to the user, with its bytes', async () => {
      if (!h.adapter.capabilities.files) return;
      await boot();
      const data = Buffer.from('col1,col2\n1,2\n');
      await h.adapter.send({
        chatId: h.dm.id,
        chatType: 'dm',
        text: 'here is the table',
        attachments: [
          { kind: 'file', fileName: 'table.csv', mimeType: 'text/csv', dataBase64: data.toString('base64') },
        ],
        inReplyTo: [],
        idempotencyKey: 'file-1',
        sessionKey: `${h.adapter.name}:dm:${h.dm.id}`,
      });
      await eventually(async () => {
        const files = (await h.peer.botMessages(h.dm)).flatMap((m) => m.files);
        expect(files.map((f) => [f.fileName, f.data.toString()])).toEqual([['table.csv', data.toString()]]);
      });
    });
  });
}
