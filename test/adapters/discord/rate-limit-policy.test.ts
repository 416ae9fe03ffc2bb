/**
 * The rate-limit filter given to discord.js: short waits are absorbed, a long
 * one or one wait too many on a route fails the request.
 */
import type { RateLimitData } from 'discord.js';
import { expect, it } from 'vitest';
import { createRateLimitFilter } from '../../../src/adapters/discord/index.ts';

function limit(retryAfter: number, route = '/channels/1/messages'): RateLimitData {
  return {
    global: false,
    hash: 'h',
    limit: 5,
    majorParameter: '1',
    method: 'POST',
    retryAfter,
    route,
    scope: 'user',
    sublimitTimeout: 0,
    timeToReset: retryAfter,
    url: `http://x/api/v10${route}`,
  };
}

it('waits out short limits and fails long ones', () => {
  const filter = createRateLimitFilter({ maxWaitMs: 5000, maxWaitsPerRoute: 3, windowMs: 60_000 });
  expect(filter(limit(1000))).toBe(false);
  expect(filter(limit(30_000))).toBe(true);
});

it('fails the wait that goes over the per-route budget, and forgets old waits', () => {
  let now = 0;
  const filter = createRateLimitFilter({
    maxWaitMs: 5000,
    maxWaitsPerRoute: 2,
    windowMs: 1000,
    now: () => now,
  });
  expect(filter(limit(10))).toBe(false);
  expect(filter(limit(10))).toBe(false);
  expect(filter(limit(10, '/channels/2/messages'))).toBe(false);
  expect(filter(limit(10))).toBe(true);
  now = 5000;
  expect(filter(limit(10))).toBe(false);
});
