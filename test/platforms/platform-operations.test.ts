/**
 * Operating several platforms: `/platform list|pause|resume`, circuit breakers
 * tripping on repeated failures and telling another platform's home channel,
 * fatal failures that need the operator, and pauses that survive a restart.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEchoAgent } from '../../src/agent/echo-agent.ts';
import { validateConfig } from '../../src/config/validate-config.ts';
import { AdapterError } from '../../src/errors.ts';
import type { RuntimeLogger } from '../../src/log/runtime-logger.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import type { Store } from '../../src/persistence/store.ts';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/runtime/create-gateway.ts';
import { settingsFromConfig } from '../../src/runtime/from-config.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

/** A logger that keeps every line. */
function recordingLogger(
  lines: { level: string; obj: Record<string, unknown>; msg: string }[],
): RuntimeLogger {
  const make = (bindings: Record<string, unknown>): RuntimeLogger => {
    const at =
      (level: string) =>
      (obj: object, msg = '') =>
        lines.push({ level, obj: { ...bindings, ...obj }, msg });
    return {
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      debug: at('debug'),
      child: (more: object) => make({ ...bindings, ...more }),
    } as RuntimeLogger;
  };
  return make({});
}

const gateways: Gateway[] = [];
afterEach(async () => {
  for (const g of gateways.splice(0)) await g.stop();
});

async function boot(options: Partial<GatewayOptions> & { adapters: MemoryAdapter[]; store?: Store }) {
  const gateway = createGateway({
    store: options.store ?? createMemoryStore(),
    agent: createEchoAgent(),
    ...options,
    settings: { ...options.settings },
  });
  gateways.push(gateway);
  await gateway.start();
  return gateway;
}

const waitUntil = (check: () => unknown, timeout = 10_000) => vi.waitFor(check, { timeout, interval: 10 });

describe('/platform', () => {
  it('lists every platform with its status and since when', async () => {
    const telegram = new MemoryAdapter({ name: 'telegram' });
    const discord = new MemoryAdapter({ name: 'discord' });
    await boot({ adapters: [telegram, discord] });
    await telegram.receive({ chatId: 'admin', text: '/platform list' });
    const [reply] = await telegram.waitForSent(1);
    expect(reply?.text).toMatch(/^Platforms:/);
    expect(reply?.text).toMatch(/🟢 telegram: running, since \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(reply?.text).toMatch(/🟢 discord: running/);
  });

  it('pause drops new messages from that platform (with a log line) and resume is instant', async () => {
    const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
    const telegram = new MemoryAdapter({ name: 'telegram' });
    const discord = new MemoryAdapter({ name: 'discord' });
    const gateway = await boot({ adapters: [telegram, discord], logger: recordingLogger(lines) });
    await telegram.receive({ chatId: 'admin', text: '/platform pause discord' });
    await telegram.waitForSent(1);
    expect(telegram.sent[0]?.text).toContain('⏸️ discord paused');
    const refused = await discord.receive({ chatId: 'u', text: 'anyone there?' });
    expect(refused.refused).toBe('ignore');
    await gateway.settled();
    expect(discord.sent).toEqual([]);
    expect(lines.some((l) => l.msg === 'Inbound message dropped: discord is paused')).toBe(true);
    expect(discord.running).toBe(true); // the connection stays

    await telegram.receive({ chatId: 'admin', text: '/platform list' });
    await telegram.waitForSent(2);
    expect(telegram.sent[1]?.text).toMatch(/⏸️ discord: paused, since/);

    await telegram.receive({ chatId: 'admin', text: '/platform resume discord' });
    await telegram.waitForSent(3);
    expect(telegram.sent[2]?.text).toBe('▶️ discord resumed (running).');
    await discord.receive({ chatId: 'u', text: 'hello again' });
    await discord.waitForSent(1);
    expect(discord.textsTo('u')).toEqual(['hello again']);
  });

  it('answers an unknown platform or action helpfully', async () => {
    const telegram = new MemoryAdapter({ name: 'telegram' });
    await boot({ adapters: [telegram] });
    await telegram.receive({ chatId: 'a', text: '/platform pause irc' });
    await telegram.receive({ chatId: 'a', text: '/platform restart telegram' });
    await telegram.waitForSent(2);
    expect(telegram.textsTo('a')).toEqual([
      'No platform named "irc". Known: telegram.',
      'Unknown action "restart". Usage: /platform list | pause <name> | resume <name>',
    ]);
  });

  it('is admin-only when tiers are on', async () => {
    const telegram = new MemoryAdapter({ name: 'telegram' });
    const config = validateConfig({
      gateway: { platforms: { telegram: { extra: { allow_admin_from: ['boss'] } } } },
    });
    await boot({ adapters: [telegram], config });
    await telegram.receive({ chatId: 'worker', text: '/platform pause telegram' });
    await telegram.waitForSent(1);
    expect(telegram.textsTo('worker')[0]).not.toContain('paused');
    await telegram.receive({ chatId: 'boss', text: '/platform pause telegram' });
    await telegram.waitForSent(2);
    expect(telegram.textsTo('boss')[0]).toContain('⏸️ telegram paused');
    // a paused platform still takes /platform from its admins (or nobody could resume it from there)
    await telegram.receive({ chatId: 'boss', text: '/platform resume telegram' });
    await telegram.waitForSent(3);
    expect(telegram.textsTo('boss')[1]).toBe('▶️ telegram resumed (running).');
  });
});

describe('circuit breakers', () => {
  it('trips after repeated retryable send failures, tells another platform\u2019s home channel, and logs it', async () => {
    const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
    const failing = new MemoryAdapter({
      name: 'slack',
      send: async () => {
        throw new AdapterError('slack', '503 Service Unavailable', {
          retryable: true,
          reason: 'upstream_5xx',
        });
      },
    });
    const telegram = new MemoryAdapter({ name: 'telegram' });
    const gateway = await boot({
      adapters: [failing, telegram],
      logger: recordingLogger(lines),
      settings: { breaker: () => ({ threshold: 3, windowMs: 60_000 }) },
    });
    await telegram.receive({ chatId: 'ops', text: '/sethome' });
    await telegram.waitForSent(1);
    // three users write; every answer fails to send
    for (const u of ['a', 'b', 'c']) await failing.receive({ chatId: u, text: `hi from ${u}` });
    await waitUntil(() => expect(telegram.sent).toHaveLength(2));
    expect(telegram.sent[1]?.text).toMatch(
      /^⚠️ slack paused by its circuit breaker after 3 failures in 60 s \(last error: slack: 503 Service Unavailable\)/,
    );
    expect(telegram.sent[1]?.chatId).toBe('ops');
    const logged = lines.find((l) => l.msg.startsWith('Circuit breaker tripped for slack'));
    expect(logged?.level).toBe('error');
    expect(logged?.obj).toMatchObject({
      platform: 'slack',
      failures: 3,
      lastError: 'slack: 503 Service Unavailable',
    });
    // tripped: no more sends are attempted and new messages are dropped
    const attempts = failing.attempts.length;
    expect((await failing.receive({ chatId: 'd', text: 'more' })).refused).toBe('ignore');
    await new Promise((r) => setTimeout(r, 200));
    expect(failing.attempts.length).toBe(attempts);
    await telegram.receive({ chatId: 'ops', text: '/platform list' });
    await telegram.waitForSent(3);
    expect(telegram.sent[2]?.text).toMatch(
      /🔴 slack: paused-by-breaker — slack: 503 Service Unavailable, since/,
    );
    expect(gateway).toBeDefined();
  });

  it('a tripped breaker with no other home channel logs at error level and still shows in /platform list', async () => {
    const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
    const only = new MemoryAdapter({ name: 'matrix' });
    const gateway = await boot({
      adapters: [only],
      logger: recordingLogger(lines),
      settings: { breaker: () => ({ threshold: 2 }) },
    });
    only.reportError(new AdapterError('matrix', 'sync failed: 502', { retryable: true }));
    only.reportError(new AdapterError('matrix', 'sync failed: 502', { retryable: true }));
    await waitUntil(() =>
      expect(lines.find((l) => l.msg.includes('no other live platform has a home channel'))?.level).toBe(
        'error',
      ),
    );
    expect(gateway.platforms()[0]).toMatchObject({
      status: 'paused-by-breaker',
      lastError: 'matrix: sync failed: 502',
    });
    // /platform still gets through; its answer waits until the platform may be sent to again
    await only.receive({ chatId: 'me', text: '/platform list' });
    await new Promise((r) => setTimeout(r, 100));
    expect(only.sent).toEqual([]);
    gateway.resumePlatform('matrix');
    await waitUntil(() =>
      expect(only.textsTo('me')[0]).toMatch(/🔴 matrix: paused-by-breaker — matrix: sync failed: 502/),
    );
  });

  it('a fatal start failure needs the operator: no reconnect loop, a notice elsewhere, then resume reconnects', async () => {
    let starts = 0;
    let loggedOut = true;
    let homeSet: () => void = () => {};
    const home = new Promise<void>((resolve) => {
      homeSet = resolve;
    });
    const whatsapp = new MemoryAdapter({
      name: 'whatsapp',
      start: async () => {
        await home; // the operator sets the home channel elsewhere first
        starts++;
        if (loggedOut)
          throw new AdapterError('whatsapp', 'logged out', { retryable: false, reason: 'needs_relink' });
      },
    });
    const telegram = new MemoryAdapter({ name: 'telegram' });
    const gateway = await boot({ adapters: [whatsapp, telegram], settings: { adapterStartWaitMs: 100 } });
    await telegram.receive({ chatId: 'ops', text: '/sethome' });
    await telegram.waitForSent(1);
    homeSet();
    await waitUntil(() =>
      expect(gateway.platforms().find((p) => p.platform === 'whatsapp')?.status).toBe('needs-relink'),
    );
    await waitUntil(() =>
      expect(telegram.sent[1]?.text).toMatch(
        /^⛔ whatsapp stopped: whatsapp: logged out\. It needs the operator/,
      ),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(starts).toBe(1);
    loggedOut = false;
    await telegram.receive({ chatId: 'ops', text: '/platform resume whatsapp' });
    await waitUntil(() =>
      expect(gateway.platforms().find((p) => p.platform === 'whatsapp')?.status).toBe('running'),
    );
    expect(starts).toBe(2);
  });

  it('a dropped link reconnects with backoff and the platform comes back by itself', async () => {
    let starts = 0;
    const discord = new MemoryAdapter({
      name: 'discord',
      start: async () => {
        starts++;
      },
    });
    const gateway = await boot({ adapters: [discord], settings: { breaker: () => ({ backoffBaseMs: 20 }) } });
    discord.fail(new AdapterError('discord', 'websocket closed 1006', { retryable: true }));
    await waitUntil(() => expect(starts).toBe(2));
    await waitUntil(() => expect(gateway.platforms()[0]?.status).toBe('running'));
    await discord.receive({ chatId: 'x', text: 'back?' });
    await discord.waitForSent(1);
  });

  it('a pause and a trip survive a restart of the gateway', async () => {
    const store = createMemoryStore();
    const adapters = () => [
      new MemoryAdapter({ name: 'telegram' }),
      new MemoryAdapter({ name: 'slack' }),
      new MemoryAdapter({ name: 'discord' }),
    ];
    const firstAdapters = adapters();
    const first = await boot({
      adapters: firstAdapters,
      store,
      settings: { breaker: () => ({ threshold: 1 }) },
    });
    first.pausePlatform('slack');
    firstAdapters[2]?.reportError(new AdapterError('discord', '429 Too Many Requests', { retryable: true }));
    await waitUntil(() =>
      expect(first.platforms().map((p) => p.status)).toEqual(['running', 'paused', 'paused-by-breaker']),
    );
    await first.stop();
    const secondAdapters = adapters();
    const second = await boot({ adapters: secondAdapters, store });
    expect(second.platforms().map((p) => [p.platform, p.status])).toEqual([
      ['telegram', 'running'],
      ['slack', 'paused'],
      ['discord', 'paused-by-breaker'],
    ]);
    expect(second.platforms()[2]?.lastError).toBe('discord: 429 Too Many Requests');
    expect((await secondAdapters[1]!.receive({ chatId: 'u', text: 'hi' })).refused).toBe('ignore');
    second.resumePlatform('discord');
    await secondAdapters[2]!.receive({ chatId: 'u', text: 'hi' });
    await secondAdapters[2]!.waitForSent(1);
  });
});

describe('circuit breaker settings', () => {
  it('come from gateway.circuit_breaker in config.yaml', () => {
    const config = validateConfig({
      gateway: { circuit_breaker: { failure_threshold: 2, window_seconds: 30, max_backoff_seconds: 120 } },
    });
    expect(settingsFromConfig(config).breaker?.('telegram')).toEqual({
      threshold: 2,
      windowMs: 30_000,
      backoffMaxMs: 120_000,
    });
  });
});
