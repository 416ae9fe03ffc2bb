/**
 * Embedding: another Node app runs the gateway through the package entry with
 * its own adapter, agent and store, and observes every actor.
 */

import { afterEach, describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import {
  type Agent,
  createGateway,
  createMemoryStore,
  type Gateway,
  GatewayError,
  type GatewayObservation,
} from '../../src/index.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

const running: Gateway[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
});

/** The app's own agent: answers in capitals and streams two pieces. */
const shoutingAgent: Agent = {
  name: 'shout',
  async run(request) {
    const text = request.messages.at(-1)!.content.toUpperCase();
    request.onEvent({ type: 'text.delta', text: text.slice(0, 2) });
    request.onEvent({ type: 'text.delta', text: text.slice(2) });
    return {
      text,
      usage: { inputTokens: 1, outputTokens: 1 },
      messages: [{ role: 'assistant', content: text }],
    };
  },
};

describe('createGateway (embedding)', () => {
  it('runs with the app’s own adapter, agent and store, and lets the app observe every actor', async () => {
    const chat = new MemoryAdapter({ name: 'my-chat', capabilities: { streaming: true } });
    const observations: GatewayObservation[] = [];
    const inspected: InspectionEvent[] = [];
    const gateway = createGateway({
      store: createMemoryStore(),
      agent: shoutingAgent,
      adapters: [chat],
      inspect: (event) => inspected.push(event),
    });
    running.push(gateway);
    gateway.subscribe((o) => observations.push(o));
    await gateway.start();

    await chat.receive({ chatId: 'room-1', text: 'hello there', userId: 'ada' });
    await gateway.settled();

    expect(chat.textsTo('room-1')).toEqual(['HELLO THERE']);
    expect(chat.streamed.map((s) => s.text)).toEqual(['HE', 'LLO THERE']);

    // the app sees the gateway's children, each session's states and each delivered reply
    const gatewayStates = observations.filter((o) => o.type === 'gateway').map((o) => o.state);
    expect(gatewayStates).toContain('running');
    const sessionStates = observations.flatMap((o) => (o.type === 'session' ? [o.session.state] : []));
    expect(sessionStates).toEqual(expect.arrayContaining(['idle', 'running']));
    expect(observations.some((o) => o.type === 'outbox' && o.row.status === 'sent')).toBe(true);
    const session = await gateway.session('my-chat:dm:room-1');
    expect(session).toMatchObject({ state: 'idle', active: true });
    expect(gateway.sessions().map((s) => s.sessionKey)).toEqual(['my-chat:dm:room-1']);
    expect(Object.keys(gateway.actor.getSnapshot().children).sort()).toEqual([
      'adapter:my-chat',
      'cron',
      'directory',
      'outbox',
      'scheduler',
    ]);

    // XState inspection reaches the app for the root gateway actor and the session actors
    const actorIds = new Set(inspected.map((e) => e.actorRef.sessionId));
    expect(actorIds.size).toBeGreaterThan(2);
    expect(
      inspected.some((e) => e.type === '@xstate.event' && (e.event as { type: string }).type === 'MESSAGE'),
    ).toBe(true);
  });

  it('refuses bad options at once, naming the option', () => {
    expect(() => createGateway({ store: createMemoryStore() } as never)).toThrow(/option "agent"/);
    const chat = new MemoryAdapter({ name: 'twice' });
    try {
      createGateway({
        store: createMemoryStore(),
        agent: shoutingAgent,
        adapters: [chat, new MemoryAdapter({ name: 'twice' })],
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).code).toBe('GATEWAY_ERR_OPTION');
      expect((error as GatewayError).message).toContain('adapters[1].name');
    }
    const store = createMemoryStore();
    expect(() => createGateway({ store, agent: shoutingAgent, media: { maxBytes: 0 } })).toThrow(
      /option "media.maxBytes" must be a positive whole number of bytes/,
    );
    expect(() => createGateway({ store, agent: shoutingAgent, media: { dir: '' } })).toThrow(
      /option "media.dir"/,
    );
  });

  it('refuses to ingest before start, and stops cleanly', async () => {
    const chat = new MemoryAdapter({ name: 'c' });
    const gateway = createGateway({ store: createMemoryStore(), agent: shoutingAgent, adapters: [chat] });
    await expect(
      gateway.ingest({
        platform: 'c',
        chatType: 'dm',
        chatId: '1',
        userId: 'u',
        text: 'x',
        platformMessageId: '1',
      }),
    ).rejects.toMatchObject({ code: 'GATEWAY_ERR_STATE' });
    await gateway.start();
    await gateway.stop();
    expect(gateway.actor.getSnapshot().value).toBe('stopped');
    expect(chat.running).toBe(false);
  });
});
