/**
 * A small Matrix world for the adapter's tests: the fake homeserver with a bot
 * account (`@hermes`), the human `@alice` (a real matrix-js-sdk client, syncing),
 * `@carol` and `@mallory`; a DM between alice and the bot (in the bot's
 * `m.direct`), a group room of three with a thread started by alice, and the
 * adapter pointed at it all.
 */
import type { MatrixClient } from 'matrix-js-sdk';
import type { AdapterContext, InboundMessage, IngestResult } from '../../../src/adapters/contract.ts';
import { MatrixAdapter } from '../../../src/adapters/matrix/matrix-adapter.ts';
import type { MatrixOptions } from '../../../src/adapters/matrix/matrix-options.ts';
import { routeSdkGlobalLogger } from '../../../src/adapters/matrix/sdk-logger.ts';
import type { ContractHarness, PeerChat } from '../contract/adapter-contract.ts';
import { type FakeHomeserver, startFakeHomeserver } from './fake-homeserver.ts';
import { loginClient, MatrixPeer, startSyncing, stopClient } from './matrix-peer.ts';

/** Passwords of the test accounts. */
export const PASSWORDS = { bot: 'bot-password', alice: 'alice-password', carol: 'carol-password' } as const;

/** The world a test runs in. */
export interface MatrixWorld {
  hs: FakeHomeserver;
  adapter: MatrixAdapter;
  peer: MatrixPeer;
  alice: MatrixClient;
  botUserId: string;
  botToken: string;
  aliceId: string;
  carolId: string;
  malloryId: string;
  dm: PeerChat;
  group: PeerChat;
  thread: PeerChat;
  /** Endpoints the clients called that the fake does not serve, except optional MSC ones. */
  unknownEndpoints(): string[];
  close(): Promise<void>;
}

/** Builds the world; `adapterOptions` override the adapter's (token login, alice allowed to invite). */
export async function createMatrixWorld(adapterOptions: Partial<MatrixOptions> = {}): Promise<MatrixWorld> {
  routeSdkGlobalLogger({ info() {}, warn() {}, error() {}, debug() {} });
  const hs = await startFakeHomeserver();
  const rooms = hs.rooms;
  const bot = hs.register('hermes', PASSWORDS.bot, 'Hermes');
  const alice = hs.register('alice', PASSWORDS.alice, 'Alice');
  const carol = hs.register('carol', PASSWORDS.carol, 'Carol');
  const mallory = hs.register('mallory', 'mallory-password', 'Mallory');

  const dm = rooms.createRoom(alice.userId);
  rooms.setMembership(dm.roomId, alice.userId, bot.userId, 'invite', { is_direct: true });
  rooms.setMembership(dm.roomId, bot.userId, bot.userId, 'join');
  rooms.setAccountData(bot.userId, 'm.direct', { [alice.userId]: [dm.roomId] });
  rooms.setAccountData(alice.userId, 'm.direct', { [bot.userId]: [dm.roomId] });

  const group = rooms.createRoom(alice.userId, { name: 'Team' });
  for (const member of [bot.userId, carol.userId]) {
    rooms.setMembership(group.roomId, alice.userId, member, 'invite');
    rooms.setMembership(group.roomId, member, member, 'join');
  }
  const root = rooms.append(group.roomId, alice.userId, 'm.room.message', {
    msgtype: 'm.text',
    body: 'a thread about the release',
  });

  const human = await loginClient(hs.baseUrl, 'alice', PASSWORDS.alice);
  await startSyncing(human);
  let botSide: MatrixClient | undefined;
  const peer = new MatrixPeer(hs, human, bot.userId, async () => {
    botSide ??= await loginClient(hs.baseUrl, 'hermes', PASSWORDS.bot, 'OTHERDEVICE');
    return botSide;
  });
  const adapter = new MatrixAdapter({
    homeserverUrl: hs.baseUrl,
    accessToken: bot.accessToken,
    isAllowedInviter: (userId) => userId === alice.userId,
    ...adapterOptions,
  });
  return {
    hs,
    adapter,
    peer,
    alice: human,
    botUserId: bot.userId,
    botToken: bot.accessToken,
    aliceId: alice.userId,
    carolId: carol.userId,
    malloryId: mallory.userId,
    dm: { kind: 'dm', id: dm.roomId },
    group: { kind: 'group', id: group.roomId },
    thread: { kind: 'group', id: group.roomId, threadId: root.event_id },
    // unstable (MSC) endpoints answer M_UNRECOGNIZED on many real homeservers too
    unknownEndpoints: () => hs.unknown.filter((e) => !e.includes('/_matrix/client/unstable/')),
    async close() {
      await adapter.stop();
      stopClient(human);
      if (botSide) stopClient(botSide);
      await hs.close();
    },
  };
}

/** The world as the contract suite wants it. */
export async function createMatrixHarness(): Promise<ContractHarness> {
  const world = await createMatrixWorld();
  return {
    adapter: world.adapter,
    peer: world.peer,
    dm: world.dm,
    group: world.group,
    thread: world.thread,
    editIntervalMs: 1000,
    close: () => world.close(),
  };
}

/** A stand-in for the gateway: records ingested messages and reported errors. */
export interface TestContext {
  ctx: AdapterContext;
  inbound: InboundMessage[];
  errors: unknown[];
  healthy: number;
  abort(): void;
}

/** Builds a context whose `ingest` accepts everything (duplicates by platform message id). */
export function testContext(): TestContext {
  const controller = new AbortController();
  const seen = new Set<string>();
  const result: TestContext = {
    inbound: [],
    errors: [],
    healthy: 0,
    abort: () => controller.abort(),
    ctx: {
      signal: controller.signal,
      log: { info() {}, warn() {}, error() {}, debug() {} },
      async ingest(message: InboundMessage): Promise<IngestResult> {
        const duplicate = seen.has(message.platformMessageId);
        seen.add(message.platformMessageId);
        if (!duplicate) result.inbound.push(message);
        return { inboxId: result.inbound.length, duplicate, sessionKey: `matrix:${message.chatId}` };
      },
      reportError: (error) => result.errors.push(error),
      reportHealthy: () => {
        result.healthy += 1;
      },
    },
  };
  return result;
}
