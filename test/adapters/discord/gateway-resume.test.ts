/**
 * The gateway websocket as discord.js drives it against the fake: heartbeats
 * are acknowledged, a dropped connection is resumed (not re-identified) with
 * the messages sent meanwhile replayed, the drop is reported to the breaker as
 * retryable and the resume as healthy; a close with 4004 is fatal.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { DiscordAdapter } from '../../../src/adapters/discord/index.ts';
import { AdapterError } from '../../../src/errors.ts';
import type { FakeDiscord } from './fake/fake-discord.ts';
import { adapterFor, type RecordingContext, recordingContext, startFake } from './harness.ts';

let fake: FakeDiscord;
let adapter: DiscordAdapter;
let rec: RecordingContext;

beforeEach(async () => {
  fake = await startFake({ heartbeatIntervalMs: 500 });
  adapter = adapterFor(fake);
  rec = recordingContext();
  await adapter.start(rec.ctx);
});

afterEach(async () => {
  await adapter.stop();
  await fake.close();
});

it('identifies once and keeps the connection alive with acknowledged heartbeats', async () => {
  expect(fake.gateway.identifies).toBe(1);
  await vi.waitFor(() => expect(fake.gateway.heartbeats).toBeGreaterThanOrEqual(2), { timeout: 5000 });
  expect(rec.errors).toEqual([]);
});

it('resumes after the websocket drops, replays what was missed and reports the drop', async () => {
  const dm = fake.world.dmChannel.id;
  fake.gateway.drop();
  fake.userSends(dm, 'written while the bot was disconnected');
  await vi.waitFor(
    () => expect(rec.ingested.map((m) => m.text)).toEqual(['written while the bot was disconnected']),
    { timeout: 10_000 },
  );
  expect(fake.gateway.resumes).toBe(1);
  expect(fake.gateway.identifies).toBe(1);
  const [drop] = rec.errors;
  expect(drop).toBeInstanceOf(AdapterError);
  expect(drop?.retryable).toBe(true);
  expect(drop?.details).toMatchObject({ reason: 'connection_lost', code: 'disconnected' });
  await vi.waitFor(() => expect(rec.healthy()).toBeGreaterThanOrEqual(1));

  fake.userSends(dm, 'and after the resume');
  await vi.waitFor(() => expect(rec.ingested.map((m) => m.text)).toContain('and after the resume'));
  const sent = await adapter.send({
    chatId: dm,
    chatType: 'dm',
    text: 'still here',
    inReplyTo: [],
    idempotencyKey: 'after-resume',
    sessionKey: 's',
  });
  expect(fake.find(sent.platformMessageId as string)?.message.content).toBe('still here');
});

it('reports a 4004 close (token revoked) as fatal and tells its failure listeners', async () => {
  const failures: Error[] = [];
  adapter.onFailure((error) => failures.push(error));
  fake.gateway.closeWith(4004);
  await vi.waitFor(() => expect(failures).toHaveLength(1));
  const fatal = rec.errors.find((e) => !e.retryable);
  expect(fatal?.details.reason).toBe('unauthorized');
  expect(failures[0]).toBe(fatal);
});
