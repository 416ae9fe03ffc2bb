/**
 * Test helpers of the Discord adapter: the fake Discord, an adapter pointed at
 * it, a recording `AdapterContext`, and the contract harness (a peer that
 * plays the human through the fake).
 *
 * The contract harness runs with `requireMention: false`, so the suite's plain
 * group and thread messages are answered as written; mention gating (the
 * default) has its own tests in mention-gating.test.ts.
 */
import type {
  AdapterContext,
  AdapterLogger,
  InboundMessage,
  IngestResult,
} from '../../../src/adapters/contract.ts';
import { DiscordAdapter, type DiscordOptions } from '../../../src/adapters/discord/index.ts';
import type { AdapterError } from '../../../src/errors.ts';
import type { ContractHarness, PeerChat, PeerFile, SeenMessage } from '../contract/adapter-contract.ts';
import { FakeDiscord, type FakeDiscordOptions, type StoredMessage } from './fake/fake-discord.ts';

/** Starts a fake Discord on a free loopback port. */
export function startFake(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  return new FakeDiscord(options).start();
}

/** An adapter configured against the fake. */
export function adapterFor(fake: FakeDiscord, options: Partial<DiscordOptions> = {}): DiscordAdapter {
  return new DiscordAdapter({ token: fake.token, restApi: fake.restApi, ...options });
}

/** A context that records what the adapter hands the gateway. */
export interface RecordingContext {
  ctx: AdapterContext;
  /** Messages passed to `ingest`, in order. */
  ingested: InboundMessage[];
  /** Errors passed to `reportError`. */
  errors: AdapterError[];
  /** How often `reportHealthy` was called. */
  healthy: () => number;
  /** Aborts the context's signal. */
  abort(): void;
}

/** Builds a recording context; `ingest` accepts everything. */
export function recordingContext(): RecordingContext {
  const ingested: InboundMessage[] = [];
  const errors: AdapterError[] = [];
  let healthy = 0;
  const controller = new AbortController();
  const quiet = () => {};
  const log: AdapterLogger = { info: quiet, warn: quiet, error: quiet, debug: quiet };
  const ctx: AdapterContext = {
    async ingest(message): Promise<IngestResult> {
      ingested.push(message);
      return { inboxId: ingested.length, duplicate: false, sessionKey: `discord:${message.chatId}` };
    },
    log,
    signal: controller.signal,
    reportError: (error) => errors.push(error as AdapterError),
    reportHealthy: () => {
      healthy += 1;
    },
  };
  return { ctx, ingested, errors, healthy: () => healthy, abort: () => controller.abort() };
}

/** The contract harness: a fresh fake, an adapter (requireMention off) and the human peer. */
export async function createDiscordHarness(): Promise<ContractHarness> {
  const fake = await startFake();
  const { world } = fake;
  const adapter = adapterFor(fake, { requireMention: false });
  return {
    adapter,
    dm: { kind: 'dm', id: world.dmChannel.id },
    group: { kind: 'group', id: world.textChannel.id },
    thread: { kind: 'group', id: world.textChannel.id, threadId: world.thread.id },
    editIntervalMs: 1000,
    peer: {
      async userSends(chat, text, file) {
        return fake.userSends(
          channelOf(chat),
          text,
          file ? { file: { fileName: file.fileName, contentType: file.mimeType, data: file.data } } : {},
        );
      },
      async selfSends(chat, text) {
        fake.userSends(channelOf(chat), text, { author: world.bot, store: false });
      },
      async redeliver(_chat, id) {
        fake.redeliver(id);
      },
      async botMessages(chat) {
        const channels = chat.id === world.textChannel.id ? [chat.id, world.thread.id] : [chat.id];
        return channels
          .flatMap((id) => fake.botMessagesIn(id))
          .sort((a, b) => (BigInt(a.message.id) < BigInt(b.message.id) ? -1 : 1))
          .map((stored) => seen(stored, world.thread.id));
      },
    },
    close: () => fake.close(),
  };
}

function channelOf(chat: PeerChat): string {
  return chat.threadId ?? chat.id;
}

function seen(stored: StoredMessage, threadId: string): SeenMessage {
  return {
    id: stored.message.id,
    text: stored.message.content,
    ...(stored.message.channel_id === threadId ? { threadId } : {}),
    editTimes: stored.editTimes,
    files: stored.files.map(
      (file): PeerFile => ({
        kind: file.contentType.startsWith('image/')
          ? 'image'
          : file.contentType.startsWith('audio/')
            ? 'voice'
            : 'file',
        fileName: file.fileName,
        mimeType: file.contentType,
        data: file.data,
      }),
    ),
  };
}
