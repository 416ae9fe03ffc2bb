/**
 * The real `systemctl --user` path: a generated unit started, shown and stopped
 * by the user's own systemd manager. It runs only where a user manager is
 * reachable. Containers and most CI machines have none (no systemd as PID 1, no
 * login session), so this describe skips with its reason even under CI=true:
 * that is a property of the machine's session, not a package CI could install.
 *
 * To stay out of the user's setup, the unit goes to the manager's runtime folder
 * (`$XDG_RUNTIME_DIR/systemd/user`, a tmpfs cleared at logout, never
 * ~/.config), is never enabled, runs a temp HERMES_HOME with the API server off
 * (so its name has a suffix no real install uses), and is removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { runCommand } from '../../src/service/command-runner.ts';
import { createServiceController } from '../../src/service/service-control.ts';
import type { ServiceController } from '../../src/service/service-controller.ts';
import { processServiceEnvironment } from '../../src/service/service-environment.ts';
import { renderSystemdUnit } from '../../src/service/systemd-unit.ts';
import { describeWhenAvailable } from './binary-check.ts';
import { tempDir } from './service-fixture.ts';

function userManagerMissing(): string | undefined {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  const runtime = process.env.XDG_RUNTIME_DIR;
  if (!runtime || !existsSync(runtime))
    return 'no XDG_RUNTIME_DIR: no login session with a systemd user manager';
  const probe = spawnSync('systemctl', ['--user', 'is-system-running'], { encoding: 'utf8' });
  const state = probe.stdout?.trim();
  if (probe.error || !['running', 'degraded', 'starting'].includes(state ?? '')) {
    return `no reachable systemd user manager ("systemctl --user is-system-running": ${
      probe.error?.message ?? (state || probe.stderr?.trim())
    })`;
  }
  return undefined;
}

const missing = userManagerMissing();
let cleanup: (() => Promise<void>) | undefined;
afterAll(async () => cleanup?.());

describeWhenAvailable(
  'the real systemd user manager',
  missing,
  () => {
    it('starts the generated unit, shows it active with its pid, and stops it with a drain', async () => {
      const home = tempDir();
      writeFileSync(join(home, 'config.yaml'), 'api_server:\n  enabled: false\n');
      const env = { ...process.env, HERMES_HOME: home };
      const runtimeUnits = join(process.env.XDG_RUNTIME_DIR ?? '', 'systemd', 'user');
      const lines: string[] = [];
      const out = { info: (l: string) => lines.push(l), warn: (l: string) => lines.push(l) };
      const service: ServiceController = await createServiceController(
        { ...processServiceEnvironment(env), userUnitDir: runtimeUnits, systemUnitDir: tempDir() },
        { system: false, writes: false, strictConfig: true },
        out,
      );
      const { file, names } = service.target;
      expect(names.suffix).toBeDefined();
      mkdirSync(runtimeUnits, { recursive: true });
      writeFileSync(file, renderSystemdUnit(service.target.spec, 'user'));
      cleanup = async () => {
        await runCommand('systemctl', ['--user', 'stop', names.unit]);
        rmSync(file, { force: true });
        await runCommand('systemctl', ['--user', 'daemon-reload']);
        await runCommand('systemctl', ['--user', 'reset-failed', names.unit]);
      };
      await runCommand('systemctl', ['--user', 'daemon-reload']);

      await service.start();
      await vi.waitFor(
        async () => {
          const status = await service.status();
          expect(status.state).toBe('active');
          expect(status.pid).toBeGreaterThan(0);
        },
        { timeout: 30_000, interval: 250 },
      );
      await service.stop();
      const stopped = await service.status();
      expect(stopped.state).toBe('inactive'); // exit 0 after the drain, not failed
      expect(lines.join('\n')).toContain(`Stopped ${names.unit}`);
    });
  },
  { requiredInCi: false },
);
