/**
 * `hermes update [--check]` shares the /update logic: it reads `update.registry`
 * from config.yaml in HERMES_HOME, prints the versions, and exits 1 when an
 * update is refused.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runUpdateCommand } from '../../src/cli/update-command.ts';
import { startFakeRegistry } from './fake-npm-registry.ts';
import { recordedProcess } from './recorded-process.ts';
import { npmInstall, tempDir } from './temp-install.ts';

function output() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };
}

describe('hermes update', () => {
  it('--check prints the versions from the registry named in config.yaml, without updating', async () => {
    const npm = await startFakeRegistry('1.0.0');
    const home = tempDir();
    writeFileSync(join(home, 'config.yaml'), `update:\n  registry: ${npm.url}\n`);
    const seam = recordedProcess();
    const io = output();
    const code = await runUpdateCommand(
      { check: true },
      { env: { HERMES_HOME: home }, ...io, update: { root: npmInstall('0.9.0'), run: seam.run } },
    );
    expect(code).toBe(0);
    expect(io.out.join('')).toBe(
      'Running: hermes-gateway 0.9.0 (npm install)\nNewest: 1.0.0 on npm — an update is available.\n',
    );
    expect(seam.calls).toEqual([]);
  });

  it('updates without --check and exits 1 on a refusal', async () => {
    const npm = await startFakeRegistry('1.0.0');
    const env = { HERMES_HOME: tempDir(), npm_config_registry: npm.url };
    const seam = recordedProcess();
    const io = output();
    const root = npmInstall('0.9.0');
    expect(await runUpdateCommand({ check: false }, { env, ...io, update: { root, run: seam.run } })).toBe(0);
    expect(seam.calls.map((c) => c.command)).toEqual(['npm install -g hermes-gateway@1.0.0']);
    expect(io.out.join('')).toContain('Restart the gateway to run the new version');

    const refused = output();
    const locked = { root, run: seam.run, writable: async () => false };
    expect(await runUpdateCommand({ check: false }, { env, ...refused, update: locked })).toBe(1);
    expect(refused.err.join('')).toContain('⛔ Cannot update:');
  });
});
