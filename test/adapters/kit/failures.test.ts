/**
 * One failure channel: a wire names the reason of its errors, the kit decides
 * what is retryable and what the gateway's breaker sees. A revoked token stops
 * the platform until the operator acts; a logged-out session asks for a relink;
 * a user who blocked the bot concerns that one message only.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createAdapter,
  type FailureReason,
  httpFailure,
  RETRYABLE,
} from '../../../src/adapters/kit/index.ts';
import { createEchoAgent } from '../../../src/agent/echo-agent.ts';
import { AdapterError } from '../../../src/errors.ts';
import { createMemoryStore } from '../../../src/persistence/memory-store.ts';
import { createGateway, type Gateway } from '../../../src/runtime/create-gateway.ts';
import { FakePlatformError, MemoryWire, recordingContext } from './memory-wire.ts';

const OUT = { chatId: 'c1', chatType: 'dm' as const, inReplyTo: [], idempotencyKey: 'k', sessionKey: 's' };

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

describe('failure classification', () => {
  it('a 429 is retryable after the wait the platform named', async () => {
    const wire = new MemoryWire();
    const adapter = createAdapter(wire);
    wire.failNext = new FakePlatformError(429, 7);
    const error = await adapter.send({ ...OUT, text: 'hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 7000, details: { reason: 'rate_limited' } });
  });

  it('a revoked token is fatal, names the fix and keeps the platform code', async () => {
    const wire = new MemoryWire();
    const adapter = createAdapter(wire);
    wire.failNext = new FakePlatformError(401);
    const error = (await adapter.send({ ...OUT, text: 'hi' }).catch((e: unknown) => e)) as AdapterError;
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ reason: 'unauthorized', code: 'token_revoked' });
    expect(error.message).toContain('check MEMORY_TOKEN');
    expect(error.message).toMatch(/^memory: sendText:/);
  });

  it('every reason is retryable or fatal by one table, the same for every platform', () => {
    const retryable = (Object.keys(RETRYABLE) as FailureReason[]).filter((r) => RETRYABLE[r]).sort();
    expect(retryable).toEqual([
      'conflict',
      'connection_lost',
      'network',
      'not_connected',
      'rate_limited',
      'upstream_5xx',
    ]);
  });

  it('HTTP statuses map to the same reasons on every platform', () => {
    const reasons = [429, 401, 403, 404, 413, 408, 500, 503, 400].map((status) => httpFailure(status).reason);
    expect(reasons).toEqual([
      'rate_limited',
      'unauthorized',
      'forbidden',
      'not_found',
      'too_large',
      'network',
      'upstream_5xx',
      'upstream_5xx',
      'bad_request',
    ]);
    expect(httpFailure(429, 2000)).toMatchObject({ retryAfterMs: 2000, code: 'http_429' });
  });

  it('a failure the wire reports while connected reaches the gateway classified', async () => {
    const wire = new MemoryWire();
    const adapter = createAdapter(wire);
    const t = recordingContext();
    await adapter.start(t.ctx);
    wire.ctx?.reportError(new FakePlatformError(503));
    expect(t.reported).toHaveLength(1);
    expect(t.reported[0]).toMatchObject({
      retryable: true,
      details: { reason: 'upstream_5xx', code: 'http_503' },
    });
    await adapter.stop();
  });

  it('a failure the wire cannot recover from tells onFailure listeners once, classified', async () => {
    const wire = new MemoryWire();
    const adapter = createAdapter(wire);
    const failures: Error[] = [];
    adapter.onFailure((e) => failures.push(e));
    const t = recordingContext();
    await adapter.start(t.ctx);
    wire.ctx?.fail(new FakePlatformError(440));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ retryable: false, details: { reason: 'needs_relink' } });
    expect(t.reported).toEqual(failures);
    await adapter.stop();
  });
});

describe('what the breaker does with kit failures', () => {
  async function gatewayWith(wire: MemoryWire) {
    const adapter = createAdapter(wire);
    gateway = createGateway({ store: createMemoryStore(), agent: createEchoAgent(), adapters: [adapter] });
    await gateway.start();
    await vi.waitFor(() => expect(gateway?.platforms()[0]?.status).toBe('running'));
    return gateway;
  }

  it('an unauthorized failure stops the platform until the operator acts', async () => {
    const wire = new MemoryWire();
    const g = await gatewayWith(wire);
    wire.ctx?.fail(new FakePlatformError(401));
    await vi.waitFor(() => expect(g.platforms()[0]?.status).toBe('needs-relink'));
  });

  it('a logged-out session asks for a relink', async () => {
    const wire = new MemoryWire();
    const g = await gatewayWith(wire);
    wire.ctx?.reportError(new FakePlatformError(440));
    await vi.waitFor(() => expect(g.platforms()[0]?.status).toBe('needs-relink'));
  });

  it('a user who blocked the bot does not stop the platform', async () => {
    const wire = new MemoryWire();
    const g = await gatewayWith(wire);
    wire.ctx?.reportError(new FakePlatformError(403));
    await wire.deliver('still there?');
    await vi.waitFor(() =>
      expect(wire.calls.map((c) => (c.op === 'sendText' ? c.text : ''))).toContain('still there?'),
    );
    expect(g.platforms()[0]?.status).toBe('running');
  });
});
