/**
 * In groups the bot answers only when addressed: mentioned by @username,
 * replied to, or sent a /command (for it, not for another bot). With
 * `require_mention: false` it answers everything. Private chats always count.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InboundMessage } from '../../../src/adapters/contract.ts';
import { type TelegramAdapter, telegramPlatform } from '../../../src/adapters/telegram/index.ts';
import {
  adapterFor,
  createTelegramWorld,
  type RecordingContext,
  recordingContext,
  type TelegramWorld,
} from './harness.ts';
import { TOKEN, userPosts } from './telegram-peer.ts';

let world: TelegramWorld;
let adapter: TelegramAdapter;
let rec: RecordingContext;

beforeEach(async () => {
  world = await createTelegramWorld();
  rec = recordingContext();
});

afterEach(async () => {
  await adapter?.stop();
  await world.close();
});

/** Waits until a message with `text` was ingested; every earlier update was handled by then (they are handled in order). */
async function ingestedUpTo(text: string): Promise<InboundMessage[]> {
  await vi.waitFor(() => expect(rec.ingested.map((m) => m.text)).toContain(text), { timeout: 10_000 });
  return rec.ingested;
}

describe('group gating (require_mention, the default)', () => {
  beforeEach(async () => {
    adapter = adapterFor(world.api);
    await adapter.start(rec.ctx);
  });

  it('ignores group chatter that does not address the bot', async () => {
    await userPosts(world.api, world.group, 'hello everyone');
    await userPosts(world.api, world.group, '/status@some_other_bot');
    await userPosts(world.api, world.group, 'ping @hermes_test_bot_fan (not the bot)');
    await userPosts(world.api, world.dm, 'marker in the DM');
    const seen = await ingestedUpTo('marker in the DM');
    expect(seen.map((m) => m.text)).toEqual(['marker in the DM']);
  });

  it('answers a mention, with the mention removed from the text', async () => {
    await userPosts(world.api, world.group, '@hermes_test_bot what is the weather?');
    const [m] = await ingestedUpTo('what is the weather?');
    expect(m).toMatchObject({
      chatType: 'group',
      chatId: world.group.id,
      userId: '1001',
      userName: 'Ada Lovelace',
    });
  });

  it('answers a /command, addressed to it by name or to no bot in particular', async () => {
    await userPosts(world.api, world.group, '/status@hermes_test_bot');
    await userPosts(world.api, world.group, '/help');
    await ingestedUpTo('/help');
    expect(rec.ingested.map((m) => m.text)).toEqual(['/status', '/help']);
  });

  it('answers a reply to one of its own messages, with the replied message as replyTo', async () => {
    const sent = await adapter.send({
      chatId: world.group.id,
      chatType: 'group',
      text: 'I am the bot',
      inReplyTo: [],
      idempotencyKey: 'k1',
      sessionKey: 's',
    });
    const botMessageId = Number(sent.platformMessageId?.split(':')[1]);
    await userPosts(world.api, world.group, 'and what about you?', { replyTo: botMessageId });
    const [m] = await ingestedUpTo('and what about you?');
    expect(m?.replyTo).toBe(sent.platformMessageId);
  });

  it('still answers every message in a private chat', async () => {
    await userPosts(world.api, world.dm, 'no mention needed here');
    const [m] = await ingestedUpTo('no mention needed here');
    expect(m?.chatType).toBe('dm');
  });
});

describe('require_mention: false', () => {
  it('answers every group message (read from gateway.platforms.telegram.extra)', async () => {
    const read = telegramPlatform.read({
      env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: world.api.url },
      extra: { require_mention: false },
      home: '/tmp',
    });
    if (!read.configured || !('options' in read)) throw new Error('expected options');
    adapter = telegramPlatform.create(read.options) as TelegramAdapter;
    await adapter.start(rec.ctx);
    await userPosts(world.api, world.group, 'hello everyone');
    const [m] = await ingestedUpTo('hello everyone');
    expect(m?.chatType).toBe('group');
  });
});
