/**
 * Forum topics are threads: a message in a topic arrives with its topic as
 * `threadId`, and the answer goes back into the same topic
 * (`message_thread_id`), quoting the message it answers; typing shows there too.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { TelegramAdapter } from '../../../src/adapters/telegram/index.ts';
import { createEchoAgent } from '../../../src/agent/echo-agent.ts';
import { createMemoryStore } from '../../../src/persistence/memory-store.ts';
import { createGateway, type Gateway } from '../../../src/runtime/create-gateway.ts';
import { adapterFor, createTelegramWorld, recordingContext, type TelegramWorld } from './harness.ts';
import { botMessages, FORUM_CHAT, userPosts } from './telegram-peer.ts';

let world: TelegramWorld;
let adapter: TelegramAdapter;
let gateway: Gateway | undefined;

beforeEach(async () => {
  world = await createTelegramWorld();
  adapter = adapterFor(world.api);
});

afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
  await adapter.stop();
  await world.close();
});

it('answers a mention in a forum topic inside that topic, quoting the question', async () => {
  gateway = createGateway({ store: createMemoryStore(), agent: createEchoAgent(), adapters: [adapter] });
  await gateway.start();
  const asked = await userPosts(world.api, world.thread, '@hermes_test_bot summarise the topic');
  await vi.waitFor(
    () =>
      expect(botMessages(world.api, FORUM_CHAT.id).map((m) => [m.text, m.threadId])).toEqual([
        ['summarise the topic', world.thread.threadId],
      ]),
    { timeout: 10_000 },
  );
  const [answer] = world.api.messages(FORUM_CHAT.id).filter((m) => m.viaApi);
  expect(answer?.message.is_topic_message).toBe(true);
  expect(answer?.message.reply_to_message?.message_id).toBe(asked.message_id);
  expect(world.api.callsOf('sendMessage')[0]?.params).toMatchObject({
    chat_id: FORUM_CHAT.id,
    message_thread_id: Number(world.thread.threadId),
    reply_parameters: { message_id: asked.message_id },
  });
});

it('normalises a topic message as a thread, not as a reply to the topic opener, and types there', async () => {
  const rec = recordingContext();
  await adapter.start(rec.ctx);
  await userPosts(world.api, world.thread, '@hermes_test_bot in the topic');
  await vi.waitFor(() => expect(rec.ingested).toHaveLength(1), { timeout: 10_000 });
  const [m] = rec.ingested;
  expect(m).toMatchObject({
    chatType: 'thread',
    chatId: String(FORUM_CHAT.id),
    threadId: world.thread.threadId,
    text: 'in the topic',
  });
  expect(m?.replyTo).toBeUndefined();
  await adapter.sendTyping({
    chatId: String(FORUM_CHAT.id),
    chatType: 'thread',
    threadId: world.thread.threadId,
  });
  expect(world.api.callsOf('sendChatAction').at(-1)?.params).toMatchObject({
    chat_id: FORUM_CHAT.id,
    action: 'typing',
    message_thread_id: Number(world.thread.threadId),
  });
});
