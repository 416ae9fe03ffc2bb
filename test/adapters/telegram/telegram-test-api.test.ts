/**
 * A real long-poll round trip through the gateway against telegram-test-api,
 * an independent Telegram Bot API emulator: a user writes to the bot, grammY
 * polls the update, the gateway's echo agent answers, and the user's client
 * reads the answer. (The emulator posts webhooks without the secret header
 * Telegram sends, so webhook mode is tested against our fake instead.)
 */
import emulator from 'telegram-test-api';
import type { TelegramServer as TelegramServerType } from 'telegram-test-api/lib/telegramServer.js';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { TelegramAdapter } from '../../../src/adapters/telegram/index.ts';
import { createEchoAgent } from '../../../src/agent/echo-agent.ts';
import { createMemoryStore } from '../../../src/persistence/memory-store.ts';
import { createGateway, type Gateway } from '../../../src/runtime/create-gateway.ts';
import { freePort } from './harness.ts';

/** The package is CommonJS whose `module.exports` is the server class. */
const TelegramServer = emulator as unknown as typeof TelegramServerType;

const TOKEN = '7000002:AAHemulatorTokenForTelegramTestApi';

let server: TelegramServerType;
let gateway: Gateway;

beforeEach(async () => {
  server = new TelegramServer({ port: await freePort(), host: '127.0.0.1' });
  await server.start();
});

afterEach(async () => {
  await gateway?.stop();
  await server.stop();
});

it('answers a private message over long polling', async () => {
  const adapter = new TelegramAdapter({ token: TOKEN, apiRoot: server.config.apiURL });
  gateway = createGateway({ store: createMemoryStore(), agent: createEchoAgent(), adapters: [adapter] });
  await gateway.start();
  expect(adapter.identity).toEqual({ id: 666, username: 'TestNameBot' });

  const client = server.getClient(TOKEN, { chatId: 4242, userId: 4242, firstName: 'Grace', timeout: 10_000 });
  await client.sendMessage(client.makeMessage('hello from the emulator'));
  const updates = await client.getUpdates();
  expect(
    updates.result.map((u) => [u.message.text, String((u.message as { chat_id?: unknown }).chat_id)]),
  ).toEqual([['hello from the emulator', '4242']]);
});
