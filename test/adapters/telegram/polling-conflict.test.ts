/**
 * A 409 Conflict while polling (another process polls the same token) backs
 * off exponentially (1 s, 2 s, 4 s, ... up to 60 s) and is reported to the
 * breaker each time; it never becomes a tight retry loop, and polling resumes
 * once the other instance is gone.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { TelegramAdapter } from '../../../src/adapters/telegram/index.ts';
import { AdapterError } from '../../../src/errors.ts';
import {
  adapterFor,
  createTelegramWorld,
  type RecordingContext,
  recordingContext,
  type TelegramWorld,
} from './harness.ts';
import { userPosts } from './telegram-peer.ts';

const CONFLICT = {
  error_code: 409,
  description:
    'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
};

let world: TelegramWorld;
let adapter: TelegramAdapter;
let rec: RecordingContext;

beforeEach(async () => {
  world = await createTelegramWorld();
  rec = recordingContext();
  adapter = adapterFor(world.api);
});

afterEach(async () => {
  await adapter.stop();
  await world.close();
});

it('backs off on repeated 409s: a bounded number of getUpdates calls in a 2.5 s window', async () => {
  world.api.override('getUpdates', () => CONFLICT);
  await adapter.start(rec.ctx);
  await sleep(2500);
  const calls = world.api.callsOf('getUpdates').length;
  // 0 s, then 1 s later, then 2 s after that: a storm would be hundreds
  expect(calls).toBeGreaterThanOrEqual(2);
  expect(calls).toBeLessThanOrEqual(3);
  expect(rec.errors).toHaveLength(calls);
  for (const error of rec.errors) {
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).retryable).toBe(true);
    expect((error as AdapterError).details.reason).toBe('conflict');
  }
});

it('resumes polling when the conflict ends and reports the platform healthy again', async () => {
  world.api.override('getUpdates', () => CONFLICT);
  await adapter.start(rec.ctx);
  await vi.waitFor(() => expect(rec.errors).toHaveLength(1), { timeout: 5_000 });
  world.api.override('getUpdates', undefined);
  await userPosts(world.api, world.dm, 'are you back?');
  await vi.waitFor(() => expect(rec.ingested.map((m) => m.text)).toEqual(['are you back?']), {
    timeout: 10_000,
  });
  expect(rec.healthy).toBe(1);
});
