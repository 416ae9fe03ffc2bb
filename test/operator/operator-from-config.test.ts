/**
 * `hermes gateway` with `operator.enabled: true` serves the operator page on
 * `operator.port`, behind the login, and closes it when it stops.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validate-config.ts';
import { createSilentLogger } from '../../src/logger.ts';
import { startFromConfig } from '../../src/runtime/from-config.ts';

const homes: string[] = [];
afterEach(async () => {
  for (const home of homes.splice(0))
    if (home.startsWith(tmpdir())) await rm(home, { recursive: true, force: true });
});

/** A loopback port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('operator page from config.yaml', () => {
  it('listens on operator.port with the API server key as the login, and stops with the gateway', async () => {
    const home = await mkdtemp(join(tmpdir(), 'hermes-operator-home-'));
    homes.push(home);
    const port = await freePort();
    const key = 'api-server-key-0123456789abcdef';
    const config = validateConfig({
      api_server: { enabled: true, port: 0, key },
      operator: { enabled: true, port },
    });
    const running = await startFromConfig({ config, home, logger: createSilentLogger() });
    try {
      const url = `http://127.0.0.1:${port}`;
      expect((await fetch(`${url}/api/state`)).status).toBe(401);
      const state = await fetch(`${url}/api/state`, { headers: { authorization: `Bearer ${key}` } });
      expect(state.status).toBe(200);
      const model = (await state.json()) as {
        gateway: string;
        platforms: { platform: string; status: string }[];
      };
      expect(model.gateway).toBe('running');
      expect(model.platforms.map((p) => p.platform)).toEqual(['api']);
    } finally {
      await running.stop('test over');
    }
    await expect(fetch(`http://127.0.0.1:${port}/login`)).rejects.toThrow();
  });
});
