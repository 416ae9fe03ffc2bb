/**
 * Long polling confirms what it handled: after a stop and a new start, updates
 * the gateway already accepted are not fetched again.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { TelegramAdapter } from '../../../src/adapters/telegram/index.ts';
import { adapterFor, createTelegramWorld, recordingContext, type TelegramWorld } from './harness.ts';
import { userPosts } from './telegram-peer.ts';

let world: TelegramWorld;
let adapter: TelegramAdapter;

beforeEach(async () => {
  world = await createTelegramWorld();
  adapter = adapterFor(world.api);
});

afterEach(async () => {
  await adapter.stop();
  await world.close();
});

it('does not fetch updates again that were accepted before a stop', async () => {
  const first = recordingContext();
  await adapter.start(first.ctx);
  await userPosts(world.api, world.dm, 'before the restart');
  await vi.waitFor(() => expect(first.ingested).toHaveLength(1), { timeout: 10_000 });
  await adapter.stop();
  const second = recordingContext();
  await adapter.start(second.ctx);
  await userPosts(world.api, world.dm, 'after the restart');
  await vi.waitFor(() => expect(second.ingested.map((m) => m.text)).toContain('after the restart'), {
    timeout: 10_000,
  });
  expect(second.ingested.map((m) => m.text)).toEqual(['after the restart']);
});
