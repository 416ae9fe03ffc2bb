/**
 * Builds a Slack adapter pointed at a fresh fake Slack, in Socket Mode or in
 * Events API mode, plus the peer and conversations the contract suite uses.
 */
import { SlackAdapter } from '../../../src/adapters/slack/slack-adapter.ts';
import type { SlackOptions } from '../../../src/adapters/slack/slack-options.ts';
import type { ContractHarness, PeerChat } from '../contract/adapter-contract.ts';
import { FakeSlack } from './fake/fake-slack.ts';
import { CHANNELS, WORKSPACE } from './fake/workspace.ts';
import { createSlackPeer } from './slack-peer.ts';
import { createTestContext, type TestContext } from './test-context.ts';

/** The conversations of the fake workspace. */
export const DM_CHANNEL = CHANNELS[0]!.id;
export const GENERAL = CHANNELS[1]!.id;
export const PRIVATE_CHANNEL = CHANNELS[2]!.id;

/** A harness with the fake and the concrete adapter exposed. */
export interface SlackHarness extends ContractHarness {
  adapter: SlackAdapter;
  fake: FakeSlack;
}

/** Adapter options against `fake` in the given mode. */
export function adapterOptions(
  fake: FakeSlack,
  mode: 'socket' | 'http',
  overrides: Partial<SlackOptions> = {},
): SlackOptions {
  return {
    botToken: WORKSPACE.botToken,
    ...(mode === 'socket' ? { appToken: WORKSPACE.appToken } : { signingSecret: WORKSPACE.signingSecret }),
    host: '127.0.0.1',
    port: 0,
    slackApiUrl: fake.apiUrl,
    editIntervalMs: 1000,
    reconnectDelayMs: 50,
    connectTimeoutMs: 5000,
    ...overrides,
  };
}

/** Where the adapter's Events API server takes Slack's POSTs. */
export function eventsUrlOf(adapter: SlackAdapter): string {
  return `http://127.0.0.1:${adapter.address().port}/slack/events`;
}

/**
 * A fresh fake Slack and an adapter pointed at it.
 *
 * @example
 * runAdapterContract('slack', () => createSlackHarness('socket'));
 */
export async function createSlackHarness(
  mode: 'socket' | 'http',
  overrides: Partial<SlackOptions> = {},
): Promise<SlackHarness> {
  const fake = await FakeSlack.start(mode);
  const adapter = new SlackAdapter(adapterOptions(fake, mode, overrides));
  if (mode === 'http') fake.eventsUrl = () => eventsUrlOf(adapter);
  const parent = fake.seed({ channel: GENERAL, text: 'a thread starts here' });
  const thread: PeerChat = { kind: 'group', id: GENERAL, threadId: parent.ts };
  return {
    adapter,
    fake,
    peer: createSlackPeer(fake),
    dm: { kind: 'dm', id: DM_CHANNEL },
    group: { kind: 'group', id: GENERAL },
    thread,
    editIntervalMs: 1000,
    async close() {
      await adapter.stop();
      await fake.close();
    },
  };
}

/** A started adapter with its fake and test context, for the Slack-specific tests. */
export interface RunningSlack {
  fake: FakeSlack;
  adapter: SlackAdapter;
  t: TestContext;
  close(): Promise<void>;
}

/**
 * Starts a fake Slack and an adapter against it with a test context.
 *
 * @example
 * const s = await startSlack('socket', { requireMention: false });
 */
export async function startSlack(
  mode: 'socket' | 'http',
  overrides: Partial<SlackOptions> = {},
): Promise<RunningSlack> {
  const fake = await FakeSlack.start(mode);
  const adapter = new SlackAdapter(adapterOptions(fake, mode, overrides));
  if (mode === 'http') fake.eventsUrl = () => eventsUrlOf(adapter);
  const t = createTestContext();
  try {
    await adapter.start(t.ctx);
  } catch (error) {
    await fake.close();
    throw error;
  }
  return {
    fake,
    adapter,
    t,
    async close() {
      await adapter.stop();
      await fake.close();
    },
  };
}
