/**
 * `hermes gateway status` from another terminal: each platform's breaker as the
 * gateway committed it, with the last reason, plus unfinished background tasks
 * and cron jobs; exit code 1 when a platform needs the operator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createEchoAgent } from '../../src/agent/echo-agent.ts';
import { AdapterError } from '../../src/errors.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import { createGateway } from '../../src/runtime/create-gateway.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';
import { runHermes } from './run-hermes.ts';

const homes: string[] = [];
afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});
const tempHome = () => {
  const home = mkdtempSync(join(tmpdir(), 'hermes-status-'));
  homes.push(home);
  return home;
};

describe('hermes gateway status', () => {
  it('says so when the gateway never ran', async () => {
    const home = tempHome();
    const run = await runHermes(['gateway', 'status'], { HERMES_HOME: home });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('The gateway has not run');
  });

  it('shows each platform with its state and last reason, and exits 1 when one is tripped', async () => {
    const home = tempHome();
    const store = createSqliteStore({ path: join(home, 'state.db') });
    const adapters = [
      new MemoryAdapter({ name: 'telegram' }),
      new MemoryAdapter({ name: 'slack' }),
      new MemoryAdapter({ name: 'discord' }),
    ];
    const gateway = createGateway({
      store,
      agent: createEchoAgent(),
      adapters,
      closeStoreOnStop: true,
      settings: { breaker: () => ({ threshold: 1 }) },
    });
    await gateway.start();
    gateway.pausePlatform('slack');
    adapters[2]?.reportError(new AdapterError('discord', '503 Service Unavailable', { retryable: true }));
    await vi.waitFor(() => expect(gateway.platforms()[2]?.status).toBe('paused-by-breaker'));
    await gateway.stop();

    const run = await runHermes(['gateway', 'status'], { HERMES_HOME: home });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Gateway stopped cleanly at \d{4}-/m);
    expect(run.stdout).toMatch(/🟢 telegram: running/);
    expect(run.stdout).toMatch(/⏸️ slack: paused, since/);
    expect(run.stdout).toMatch(/🔴 discord: paused-by-breaker — discord: 503 Service Unavailable, since/);
    expect(run.stdout).toContain('Background tasks not yet delivered: 0');
    expect(run.stdout).toContain('Cron jobs: 0 (0 active)');
  });
});
