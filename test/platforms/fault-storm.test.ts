/**
 * A fault storm on one platform never slows or stops another: while "stormy"
 * answers every send with 429 or 503 and keeps dropping its websocket, "calm"
 * answers every message, in order, and none of its sends waits behind the
 * storm. The storm trips stormy's breaker. Latencies are printed for the
 * report, not asserted (speed targets live in bench/).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEchoAgent } from '../../src/agent/echo-agent.ts';
import { AdapterError } from '../../src/errors.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

/** Median and 95th percentile of a list of milliseconds. */
function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p95: at(0.95) };
}

describe('a fault storm on one platform', () => {
  it('leaves the other platform serving, and trips the stormy breaker', async () => {
    let stormySends = 0;
    let inFlightStormy = 0;
    const stormy = new MemoryAdapter({
      name: 'stormy',
      send: async () => {
        stormySends++;
        inFlightStormy++;
        try {
          // a slow, failing upstream: half 429 with retry_after, half 503
          await new Promise((r) => setTimeout(r, 30));
          if (stormySends % 2 === 0) {
            throw new AdapterError('stormy', '429 Too Many Requests', {
              retryable: true,
              retryAfterMs: 50,
              reason: 'rate_limited',
            });
          }
          throw new AdapterError('stormy', '503 Service Unavailable', {
            retryable: true,
            reason: 'upstream_5xx',
          });
        } finally {
          inFlightStormy--;
        }
      },
    });
    const calmSentAt = new Map<string, number>();
    const calm = new MemoryAdapter({
      name: 'calm',
      send: async (message) => {
        calmSentAt.set(message.text, performance.now());
        return { platformMessageId: `calm-${message.text}` };
      },
    });
    gateway = createGateway({
      store: createMemoryStore(),
      agent: createEchoAgent(),
      adapters: [stormy, calm],
      settings: { breaker: () => ({ threshold: 20, windowMs: 60_000, backoffBaseMs: 10, backoffMaxMs: 40 }) },
    });
    await gateway.start();

    const ask = async (n: number) => {
      const text = `calm ${n}`;
      const at = performance.now();
      await calm.receive({ chatId: `c${n % 4}`, text });
      await vi.waitFor(() => expect(calmSentAt.has(text)).toBe(true), { timeout: 10_000, interval: 2 });
      return (calmSentAt.get(text) as number) - at;
    };

    // before the storm
    const before: number[] = [];
    for (let n = 0; n < 20; n++) before.push(await ask(n));

    // the storm: users on stormy get answers that cannot be sent, and its websocket keeps dropping
    const storm = setInterval(() => {
      stormy.reportError(
        new AdapterError('stormy', 'websocket closed 1006', { retryable: true, reason: 'disconnected' }),
      );
    }, 15);
    for (let u = 0; u < 8; u++) await stormy.receive({ chatId: `s${u}`, text: `storm ${u}` });
    const during: number[] = [];
    let overlapped = 0;
    const tripped = () => gateway?.platforms()[0]?.status === 'paused-by-breaker';
    let total = 20;
    // calm keeps talking until the storm has tripped stormy's breaker (and a little after)
    for (let after = 0; total < 2_000 && after < 10; total++) {
      if (tripped()) after++;
      if (inFlightStormy > 0) overlapped++;
      during.push(await ask(total));
      await new Promise((r) => setTimeout(r, 5));
    }
    clearInterval(storm);

    // calm answered everything, each chat in order
    for (let c = 0; c < 4; c++) {
      const texts = calm.textsTo(`c${c}`);
      expect(texts).toEqual(
        Array.from({ length: total }, (_, n) => n)
          .filter((n) => n % 4 === c)
          .map((n) => `calm ${n}`),
      );
    }
    // the storm really ran alongside: stormy sends were in flight while calm answered
    expect(overlapped).toBeGreaterThan(0);
    expect(stormySends).toBeGreaterThan(0);
    // and it tripped stormy's breaker; calm stays running
    await vi.waitFor(() =>
      expect(gateway?.platforms().map((p) => [p.platform, p.status])).toEqual([
        ['stormy', 'paused-by-breaker'],
        ['calm', 'running'],
      ]),
    );
    const b = percentiles(before);
    const d = percentiles(during);
    console.log(
      `fault storm: calm reply latency before p50 ${b.p50.toFixed(1)} ms p95 ${b.p95.toFixed(1)} ms; ` +
        `during p50 ${d.p50.toFixed(1)} ms p95 ${d.p95.toFixed(1)} ms; stormy send attempts ${stormySends}`,
    );
  }, 60_000);
});
