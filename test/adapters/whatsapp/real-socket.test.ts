/**
 * The adapter on baileys' real `makeWASocket`, pointed (`waWebSocketUrl`) at a
 * loopback WebSocket server that hangs up on every connection, as an
 * unreachable WhatsApp does: the real socket's close is classified as a
 * retryable drop, reconnects back off, and stop leaves nothing running.
 */
import type { AddressInfo } from 'node:net';
import { makeWASocket } from 'baileys';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { WhatsAppAdapter } from '../../../src/adapters/whatsapp/index.ts';
import { AdapterError, GatewayError } from '../../../src/errors.ts';
import { tempHome, testContext } from './harness.ts';

describe('on the real baileys socket', () => {
  let server: WebSocketServer | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('reports a refused connection as a retryable drop and reconnects with backoff', async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server?.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    let connections = 0;
    server.on('connection', (ws) => {
      connections += 1;
      ws.close();
    });
    const { home, remove } = await tempHome();
    const adapter = new WhatsAppAdapter({
      home,
      backoff: { initialMs: 50, maxMs: 200 },
      makeSocket: (config) => makeWASocket({ ...config, waWebSocketUrl: `ws://127.0.0.1:${port}` }),
    });
    const t = testContext();
    const starting = adapter.start(t.ctx).catch((error: unknown) => error);

    await vi.waitFor(() => expect(connections).toBeGreaterThanOrEqual(4), { timeout: 10_000 });
    await adapter.stop();
    expect(await starting).toBeInstanceOf(GatewayError);
    const errors = t.errors as AdapterError[];
    expect(errors.length).toBeGreaterThanOrEqual(3);
    for (const error of errors) {
      expect(error).toBeInstanceOf(AdapterError);
      expect(error).toMatchObject({ retryable: true, details: { reason: 'connection_closed' } });
    }
    const delays = t.lines(/reconnecting/).map((l) => (l.obj as { delayMs: number }).delayMs);
    expect(delays.slice(0, 3)).toEqual([50, 100, 200]);
    await remove();
  });
});
