/**
 * Telegram's `/` menu carries the installed skills (published through
 * setMyCommands once the bot connects), and a skill typed in Telegram is
 * answered by the agent; against a fake Bot API.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { TelegramAdapter } from '../../src/adapters/telegram/index.ts';
import type { Agent } from '../../src/agent/agent.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import { skillFolders } from '../../src/skills/discover-skills.ts';
import { adapterFor, createTelegramWorld, type TelegramWorld } from '../adapters/telegram/harness.ts';
import { botMessages, DM_CHAT, userPosts } from '../adapters/telegram/telegram-peer.ts';
import { SUMMARIZE, skillText, tempFolder, writeSkill } from './skill-files.ts';

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

it('publishes the installed skills in the Telegram command menu and runs one typed there', async () => {
  const home = tempFolder();
  writeSkill(join(home, 'skills'), 'summarize', SUMMARIZE);
  // Telegram refuses hyphens in menu commands: the skill still runs when typed, but is left out of the menu
  writeSkill(join(home, 'skills'), 'stand-up', skillText('stand-up', 'Standup note', 'Go.'));
  const prompts: string[] = [];
  const agent: Agent = {
    name: 'recording',
    async run(request) {
      prompts.push(request.messages.at(-1)!.content);
      return { text: 'Here are five bullets.', usage: { inputTokens: 0, outputTokens: 0 }, messages: [] };
    },
  };
  gateway = createGateway({
    store: createMemoryStore(),
    agent,
    adapters: [adapter],
    skillFolders: skillFolders(home),
  });
  await gateway.start();

  await vi.waitFor(() => expect(world.api.commands.length).toBeGreaterThan(0), { timeout: 10_000 });
  expect(world.api.commands.find((c) => c.command === 'summarize')).toEqual({
    command: 'summarize',
    description: 'Summarize a document in a few bullets',
  });
  expect(world.api.commands.find((c) => c.command === 'help')).toBeDefined();
  expect(world.api.commands.map((c) => c.command)).not.toContain('stand-up');

  await userPosts(world.api, world.dm, '/summarize report.pdf');
  await vi.waitFor(
    () => expect(botMessages(world.api, DM_CHAT.id).map((m) => m.text)).toEqual(['Here are five bullets.']),
    { timeout: 10_000 },
  );
  expect(prompts[0]).toContain('- file: report.pdf');
});
