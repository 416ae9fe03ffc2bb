/**
 * The gateway's commands become Telegram's `/` menu through setMyCommands:
 * lowercased, without the slash, names Telegram refuses left out.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type TelegramAdapter, toBotCommands } from '../../../src/adapters/telegram/index.ts';
import { adapterFor, createTelegramWorld, type TelegramWorld } from './harness.ts';

let world: TelegramWorld;
let adapter: TelegramAdapter;

beforeEach(async () => {
  world = await createTelegramWorld();
  adapter = adapterFor(world.api);
});

afterEach(async () => {
  await world.close();
});

it('publishes the command menu with valid names only', async () => {
  await adapter.setCommands([
    { name: 'New', description: 'Start a new conversation' },
    { name: '/status', description: 'Session info' },
    { name: 'reload-mcp', description: 'Reload MCP servers' },
    { name: 'a'.repeat(33), description: 'too long a name' },
    { name: 'help', description: '' },
    { name: 'new', description: 'duplicate' },
  ]);
  expect(world.api.commands).toEqual([
    { command: 'new', description: 'Start a new conversation' },
    { command: 'status', description: 'Session info' },
    { command: 'help', description: 'help' },
  ]);
});

it('cuts descriptions to 256 characters and the menu to 100 commands', () => {
  const many = Array.from({ length: 120 }, (_, i) => ({ name: `c${i}`, description: 'x'.repeat(300) }));
  const menu = toBotCommands(many);
  expect(menu).toHaveLength(100);
  expect(menu[0]?.description.length).toBe(256);
});
