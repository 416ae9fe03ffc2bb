/**
 * The circuit breaker machine on a simulated clock: every state and every
 * transition is exercised by a scenario a platform can really produce, and
 * the coverage is printed as `breaker machine: states X/Y, transitions A/B`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type Actor, createActor, fromCallback, type InspectionEvent, SimulatedClock } from 'xstate';
import {
  type BreakerEvent,
  type BreakerInput,
  backoffDelayMs,
  breakerMachine,
  breakerView,
  type LinkInput,
} from '../../src/machines/breaker.ts';
import { machineDefinition, stateNodeIds, transitionId } from '../session/model/definition.ts';

const definition = machineDefinition(breakerMachine);
const taken = new Set<string>();
const visited = new Set<string>();

afterAll(() => {
  const states = definition.states.filter((s) => visited.has(s)).length;
  const transitions = definition.transitions.filter((t) => taken.has(t.id)).length;
  console.log(
    `breaker machine: states ${states}/${definition.states.length}, transitions ${transitions}/${definition.transitions.length}`,
  );
});

/** A breaker on a simulated clock whose link connects when the test says so. */
function harness(input: Partial<BreakerInput> = {}) {
  const clock = new SimulatedClock();
  const links: LinkInput[] = [];
  const stops: number[] = [];
  const notices: { kind: string; context: unknown }[] = [];
  const link = fromCallback<BreakerEvent, LinkInput>(({ input }) => {
    links.push(input);
    return () => stops.push(input.attempt);
  });
  const actor: Actor<typeof breakerMachine> = createActor(
    breakerMachine.provide({
      actors: { link },
      actions: {
        notifyTripped: ({ context }) => notices.push({ kind: 'tripped', context }),
        notifyNeedsRelink: ({ context }) => notices.push({ kind: 'needsRelink', context }),
      },
    }),
    {
      clock,
      input: { platform: 'telegram', at: 0, settings: { threshold: 3, windowMs: 10_000 }, ...input },
      inspect: (event: InspectionEvent) => {
        if (event.type !== '@xstate.microstep') return;
        for (const t of event._transitions) {
          taken.add(transitionId(t));
          visited.add(t.source.id); // transient states (`restoring`) are passed through, never rested in
        }
        for (const id of stateNodeIds('breaker', (event.snapshot as unknown as { value: unknown }).value))
          visited.add(id);
      },
    },
  );
  actor.start();
  for (const id of stateNodeIds('breaker', actor.getSnapshot().value)) visited.add(id);
  const view = () => breakerView(actor.getSnapshot().value, actor.getSnapshot().context);
  const advance = (ms: number) => {
    clock.increment(ms);
  };
  return { actor, clock, links, stops, notices, view, advance, send: (e: BreakerEvent) => actor.send(e) };
}

describe('the breaker machine', () => {
  it('connects, and shows running once the link is up', () => {
    const h = harness();
    expect(h.view().status).toBe('connecting');
    expect(h.links).toEqual([{ platform: 'telegram', attempt: 0 }]);
    h.send({ type: 'LINK.UP', at: 5 });
    expect(h.view()).toMatchObject({ status: 'running', since: 5, failures: 0 });
  });

  it('reconnects after a dropped link with a doubling backoff, restarting the timer in each attempt', () => {
    const h = harness({
      settings: { threshold: 10, windowMs: 60_000, backoffBaseMs: 1_000, backoffMaxMs: 8_000 },
    });
    h.send({ type: 'LINK.UP', at: 0 });
    h.send({ type: 'LINK.LOST', fatal: false, error: 'socket closed', at: 100 });
    expect(h.view()).toMatchObject({ status: 'reconnecting', attempt: 1, lastError: 'socket closed' });
    expect(h.stops).toEqual([0]); // the old link was stopped
    h.advance(999);
    expect(h.links).toHaveLength(1);
    h.advance(1);
    expect(h.links).toHaveLength(2); // retried after 1 s
    h.send({ type: 'LINK.LOST', fatal: false, error: 'ECONNREFUSED', at: 1_200 });
    h.advance(1_999);
    expect(h.links).toHaveLength(2);
    h.advance(1);
    expect(h.links.at(-1)).toEqual({ platform: 'telegram', attempt: 2 }); // 2 s on the second attempt
    h.send({ type: 'LINK.UP', at: 3_300 });
    expect(h.view()).toMatchObject({ status: 'running', attempt: 0 });
  });

  it('waits at least as long as the platform asked (429 retry_after)', () => {
    expect(
      backoffDelayMs({
        attempt: 1,
        retryAfterMs: 30_000,
        settings: { threshold: 5, windowMs: 60_000, backoffBaseMs: 1_000, backoffMaxMs: 60_000 },
      }),
    ).toBe(30_000);
    const h = harness({ settings: { threshold: 10, windowMs: 60_000 } });
    h.send({
      type: 'LINK.LOST',
      fatal: false,
      error: '429',
      reason: 'rate_limited',
      retryAfterMs: 5_000,
      at: 0,
    });
    h.advance(4_999);
    expect(h.links).toHaveLength(1);
    h.advance(1);
    expect(h.links).toHaveLength(2);
  });

  it('trips after threshold failures inside the window, notifies once, and never resumes by itself', () => {
    const h = harness();
    h.send({ type: 'LINK.UP', at: 0 });
    h.send({ type: 'FAILURE', error: '502 Bad Gateway', reason: 'upstream_5xx', at: 1_000 });
    h.send({ type: 'FAILURE', error: '429', reason: 'rate_limited', at: 2_000 });
    expect(h.view().status).toBe('running');
    h.send({ type: 'FAILURE', error: 'ETIMEDOUT', reason: 'network', at: 3_000 });
    expect(h.view()).toMatchObject({
      status: 'paused-by-breaker',
      since: 3_000,
      lastError: 'ETIMEDOUT',
      failures: 3,
    });
    expect(h.notices.map((n) => n.kind)).toEqual(['tripped']);
    h.send({ type: 'FAILURE', error: 'again', at: 4_000 });
    h.advance(24 * 3_600_000);
    expect(h.view().status).toBe('paused-by-breaker');
    expect(h.notices).toHaveLength(1);
    h.send({ type: 'RESUME', at: 90_000_000 });
    expect(h.view()).toMatchObject({ status: 'running', failures: 0, since: 0 });
  });

  it('forgets failures that fall out of the window', () => {
    const h = harness();
    h.send({ type: 'LINK.UP', at: 0 });
    h.send({ type: 'FAILURE', error: 'a', at: 0 });
    h.send({ type: 'FAILURE', error: 'b', at: 5_000 });
    h.send({ type: 'FAILURE', error: 'c', at: 10_001 }); // the first is out of the 10 s window
    expect(h.view()).toMatchObject({ status: 'running', failures: 2 });
  });

  it('counts dropped links too: a flapping websocket trips it while it keeps reconnecting', () => {
    const h = harness({
      settings: { threshold: 3, windowMs: 60_000, backoffBaseMs: 100, backoffMaxMs: 100 },
    });
    for (let i = 0; i < 3; i++) {
      h.send({ type: 'LINK.UP', at: i * 1_000 });
      h.send({ type: 'LINK.LOST', fatal: false, error: 'websocket closed 1006', at: i * 1_000 + 500 });
      h.advance(100);
    }
    expect(h.view().status).toBe('paused-by-breaker');
    expect(h.links).toHaveLength(4); // still reconnecting underneath
  });

  it('a healthy answer clears the count', () => {
    const h = harness();
    h.send({ type: 'LINK.UP', at: 0 });
    h.send({ type: 'FAILURE', error: 'a', at: 1 });
    h.send({ type: 'FAILURE', error: 'b', at: 2 });
    h.send({ type: 'HEALTHY', at: 3 });
    h.send({ type: 'FAILURE', error: 'c', at: 4 });
    expect(h.view()).toMatchObject({ status: 'running', failures: 1 });
  });

  it('a fatal link loss needs the operator: no reconnect loop', () => {
    const h = harness();
    h.send({ type: 'LINK.UP', at: 0 });
    h.send({ type: 'LINK.LOST', fatal: true, error: 'logged out', reason: 'needs_relink', at: 10 });
    expect(h.view()).toMatchObject({ status: 'needs-relink', lastReason: 'needs_relink', since: 10 });
    h.advance(3_600_000);
    expect(h.links).toHaveLength(1);
    expect(h.notices.map((n) => n.kind)).toEqual(['needsRelink']);
    h.send({ type: 'RESUME', at: 20 });
    expect(h.links).toHaveLength(2);
    expect(h.view().status).toBe('connecting');
  });

  it('a fatal report while connected, or while backing off, needs the operator too', () => {
    const h = harness({ settings: { threshold: 10, windowMs: 60_000 } });
    h.send({ type: 'LINK.UP', at: 0 });
    h.send({ type: 'FATAL', error: '401 Unauthorized', reason: 'unauthorized', at: 1 });
    expect(h.view().status).toBe('needs-relink');
    const b = harness({ settings: { threshold: 10, windowMs: 60_000 } });
    b.send({ type: 'LINK.LOST', fatal: false, error: 'drop', at: 0 });
    b.send({ type: 'FATAL', error: 'token revoked', reason: 'unauthorized', at: 1 });
    expect(b.view()).toMatchObject({ status: 'needs-relink', lastError: 'token revoked' });
    b.advance(120_000);
    expect(b.links).toHaveLength(1);
  });

  it('a resume during backoff reconnects at once', () => {
    const h = harness({
      settings: { threshold: 10, windowMs: 60_000, backoffBaseMs: 60_000, backoffMaxMs: 60_000 },
    });
    h.send({ type: 'LINK.LOST', fatal: false, error: 'drop', at: 0 });
    h.send({ type: 'RESUME', at: 1 });
    expect(h.links).toHaveLength(2);
    expect(h.links.at(-1)?.attempt).toBe(0);
  });

  it('an operator pause keeps the connection; resume is instant and does not reconnect', () => {
    const h = harness();
    h.send({ type: 'LINK.UP', at: 0 });
    h.send({ type: 'PAUSE', at: 50 });
    expect(h.view()).toMatchObject({ status: 'paused', since: 50 });
    expect(h.stops).toEqual([]);
    h.send({ type: 'RESUME', at: 60 });
    expect(h.view()).toMatchObject({ status: 'running' });
    expect(h.links).toHaveLength(1);
  });

  it('an operator can pause a tripped platform (it then shows paused, not tripped)', () => {
    const h = harness({ settings: { threshold: 1, windowMs: 60_000 } });
    h.send({ type: 'LINK.UP', at: 0 });
    h.send({ type: 'FAILURE', error: 'x', at: 1 });
    expect(h.view().status).toBe('paused-by-breaker');
    h.send({ type: 'PAUSE', at: 2 });
    expect(h.view()).toMatchObject({ status: 'paused', since: 2 });
  });

  it('a restored breaker keeps a pause or a trip and its counters, and connects again', () => {
    const paused = harness({ restored: { dispatch: 'paused', context: { dispatchSince: 7 } } });
    expect(paused.view()).toMatchObject({ status: 'paused', since: 7 });
    expect(paused.links).toHaveLength(1);
    const tripped = harness({
      restored: { dispatch: 'pausedByBreaker', context: { dispatchSince: 9, lastError: '503', trips: 1 } },
    });
    tripped.send({ type: 'LINK.UP', at: 10 });
    expect(tripped.view()).toMatchObject({ status: 'paused-by-breaker', since: 9, lastError: '503' });
    expect(tripped.notices).toEqual([]); // told once, in the previous life
    const running = harness({ restored: { dispatch: 'running', context: { trips: 2 } } });
    expect(running.actor.getSnapshot().context.trips).toBe(2);
    expect(running.view().status).toBe('connecting');
  });

  it('covers every state and transition of the machine', () => {
    const missedStates = definition.states.filter((s) => !visited.has(s));
    const missed = definition.transitions.filter((t) => !taken.has(t.id)).map((t) => t.description);
    expect(missedStates).toEqual([]);
    expect(missed).toEqual([]);
  });
});
