/**
 * Reset policies: when a conversation starts fresh by itself, driven by durable
 * timers; the user is told and can get the old one back.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agent/agent.ts';
import { loadGatewayJson } from '../../src/config/gateway-json.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { ConfigError } from '../../src/errors.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import { settingsFromConfig } from '../../src/runtime/from-config.ts';
import {
  DEFAULT_RESET_POLICY,
  nextDailyReset,
  nextReset,
  type ResetPolicy,
} from '../../src/runtime/reset-policy.ts';
import { tempHome } from '../config/temp-home.ts';
import { eventually } from '../support/gateway-process.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

const running: Gateway[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
});

describe('reset policy times', () => {
  const at = (s: string) => new Date(s).getTime();

  it('daily resets at the next local at_hour', () => {
    expect(nextDailyReset(at('2026-11-24T03:59:00'), 4)).toBe(at('2026-11-24T04:00:00'));
    expect(nextDailyReset(at('2026-11-24T04:00:00'), 4)).toBe(at('2026-11-25T04:00:00'));
    expect(nextDailyReset(at('2026-11-24T22:10:00'), 4)).toBe(at('2026-11-25T04:00:00'));
  });

  it('both takes whichever comes first; none never resets', () => {
    const now = at('2026-11-24T03:00:00');
    expect(nextReset({ mode: 'both', atHour: 4, idleMinutes: 1440 }, now)).toEqual({
      at: at('2026-11-24T04:00:00'),
      reason: 'daily',
    });
    expect(nextReset({ mode: 'both', atHour: 4, idleMinutes: 30 }, now)).toEqual({
      at: now + 30 * 60_000,
      reason: 'idle',
    });
    expect(nextReset({ mode: 'none', atHour: 4, idleMinutes: 30 }, now)).toBeUndefined();
  });

  it('defaults: both, 4:00, 1440 minutes; overrides per platform (gateway.json) and per chat type (config.yaml)', () => {
    const home = tempHome('session_reset:\n  by_chat_type:\n    group:\n      mode: none\n');
    writeFileSync(
      join(home, 'gateway.json'),
      JSON.stringify({ reset_by_platform: { telegram: { mode: 'idle', idle_minutes: 240 } } }),
    );
    const settings = settingsFromConfig(loadConfig({ home, env: {} }), loadGatewayJson(home));
    expect(settings.resetPolicy!('discord', 'dm')).toEqual(DEFAULT_RESET_POLICY);
    expect(settings.resetPolicy!('telegram', 'dm')).toEqual({ mode: 'idle', atHour: 4, idleMinutes: 240 });
    expect(settings.resetPolicy!('telegram', 'group')).toEqual({ mode: 'none', atHour: 4, idleMinutes: 240 });
  });

  it('an invalid gateway.json is refused with the key and the fix', () => {
    const home = tempHome();
    writeFileSync(
      join(home, 'gateway.json'),
      JSON.stringify({ reset_by_platform: { telegram: { mode: 'weekly' } } }),
    );
    try {
      loadGatewayJson(home);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues[0]).toMatchObject({
        path: 'gateway.json: reset_by_platform.telegram.mode',
        fix: 'use one of: daily, idle, both, none',
      });
    }
  });
});

describe('automatic reset through the runtime', () => {
  it('an idle chat starts fresh by a durable timer; the next message is told why and how to get it back', async () => {
    const seen: string[][] = [];
    const agent: Agent = {
      name: 'history',
      async run(request) {
        seen.push(request.messages.map((m) => m.content));
        const text = `heard ${request.messages.length} message(s)`;
        return { text, usage: { inputTokens: 0, outputTokens: 0 }, messages: [] };
      },
    };
    const chat = new MemoryAdapter({ name: 'chat' });
    const policy: ResetPolicy = { mode: 'idle', atHour: 4, idleMinutes: 0.002 }; // 120 ms
    const gateway = createGateway({
      store: createMemoryStore(),
      agent,
      adapters: [chat],
      settings: { resetPolicy: () => policy },
    });
    running.push(gateway);
    await gateway.start();

    await chat.receive({ chatId: 'c', text: 'remember 42' });
    await gateway.settled();
    await eventually(
      async () => (await gateway.session('chat:dm:c'))?.context.conversationId === 'chat:dm:c/2',
      5_000,
      'the idle reset',
    );
    await chat.receive({ chatId: 'c', text: 'what did I say?' });
    await gateway.settled();

    expect(chat.textsTo('c')).toEqual([
      'heard 1 message(s)',
      '🔄 Fresh start: the previous conversation was put aside after 0.002 min without messages. Send /resume to continue it.',
      'heard 1 message(s)',
    ]);
    expect(seen[1]).toEqual(['what did I say?']);
  });
});
