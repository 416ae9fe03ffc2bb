/**
 * /update for an npm install: the newest version comes from the registry
 * (newer, the same, 404, connection refused); `/update confirm` installs it with
 * npm and restarts the service, and is refused where the install cannot update itself.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createUpdateCommand } from '../../src/commands/builtin/update.ts';
import { createBuiltinRegistry } from '../../src/commands/index.ts';
import { CommandRegistry } from '../../src/commands/registry.ts';
import type { UpdateDeps } from '../../src/update/update-deps.ts';
import { fakeServices, say } from '../commands/fake-services.ts';
import { refusedUrl, startFakeRegistry } from './fake-npm-registry.ts';
import { recordedProcess } from './recorded-process.ts';
import { npmInstall, tempDir } from './temp-install.ts';

const ADMIN = { message: { userId: '1' } };
const TIERS = { gateway: { platforms: { telegram: { extra: { allow_admin_from: '1' } } } } };

/** Sends `text` as the admin through the tier gate, with /update bound to `deps`. */
async function update(text: string, deps: Partial<UpdateDeps>, env: NodeJS.ProcessEnv = {}) {
  const registry = new CommandRegistry().register(createUpdateCommand(deps, env));
  const fake = await fakeServices({ config: TIERS });
  return say(fake, text, { ...ADMIN, registry });
}

/** `/update confirm` as the admin: running `running`, the registry at `latest`, npm answering `npmCode`. */
async function confirm(running: string, latest: string, extra: Partial<UpdateDeps> = {}, npmCode = 0) {
  const npm = await startFakeRegistry(latest);
  const root = npmInstall(running);
  const seam = recordedProcess(npmCode);
  const reply = await update('/update confirm', {
    root,
    registry: npm.url,
    run: seam.run,
    restart: seam.restart,
    ...extra,
  });
  return { reply, seam, root };
}

describe('/update with an npm install', () => {
  it('reports a newer version on the registry', async () => {
    const npm = await startFakeRegistry('0.3.0');
    const reply = await update('/update', { root: npmInstall('0.2.1'), registry: npm.url });
    expect(reply).toContain('Running: hermes-gateway 0.2.1 (npm install)');
    expect(reply).toContain('Newest: 0.3.0 on npm — an update is available.');
    expect(reply).toContain('/update confirm');
    expect(npm.requests).toEqual(['/hermes-gateway/latest']);
  });

  it('says it is up to date when the registry has the same version', async () => {
    const npm = await startFakeRegistry('0.2.1');
    const reply = await update('/update', { root: npmInstall('0.2.1'), registry: npm.url });
    expect(reply).toContain('Newest: 0.2.1 on npm — up to date.');
  });

  it('explains a 404 from the registry', async () => {
    const npm = await startFakeRegistry(undefined);
    const reply = await update('/update', { root: npmInstall('0.2.1'), registry: npm.url });
    expect(reply).toContain('Running: hermes-gateway 0.2.1');
    expect(reply).toContain(
      `Newest: unknown — the npm registry answered 404 for ${npm.url}/hermes-gateway/latest`,
    );
  });

  it('explains a registry that refuses the connection, without crashing', async () => {
    const url = await refusedUrl();
    const reply = await update('/update', { root: npmInstall('0.2.1'), registry: url });
    expect(reply).toContain(`Newest: unknown — the npm registry at ${url} cannot be reached (ECONNREFUSED)`);
  });

  it('uses update.registry from the config, then npm_config_registry', async () => {
    const configured = await startFakeRegistry('0.4.0');
    const fromEnv = await startFakeRegistry('0.5.0');
    const root = npmInstall('0.2.1');
    const registry = new CommandRegistry().register(
      createUpdateCommand({ root }, { npm_config_registry: fromEnv.url }),
    );
    const withConfig = await fakeServices({ config: { ...TIERS, update: { registry: configured.url } } });
    expect(await say(withConfig, '/update', { ...ADMIN, registry })).toContain('Newest: 0.4.0');
    const withoutConfig = await fakeServices({ config: TIERS });
    expect(await say(withoutConfig, '/update', { ...ADMIN, registry })).toContain('Newest: 0.5.0');
  });

  it('installs the newest version with npm and restarts the service', async () => {
    const { reply, seam, root } = await confirm('0.2.1', '0.3.0', { service: true });
    expect(seam.calls).toEqual([{ command: 'npm install -g hermes-gateway@0.3.0', cwd: root }]);
    expect(seam.restarts).toEqual(['restart']);
    expect(reply).toContain('Updated to 0.3.0.');
    expect(reply).toContain('Restarting the gateway service');
  });

  it('tells the operator to restart when the gateway is not a service', async () => {
    const { reply, seam } = await confirm('0.2.1', '0.3.0', { service: false });
    expect(seam.calls.map((c) => c.command)).toEqual(['npm install -g hermes-gateway@0.3.0']);
    expect(seam.restarts).toEqual([]);
    expect(reply).toContain('Restart the gateway to run the new version');
  });

  it('does nothing when already up to date', async () => {
    const { reply, seam } = await confirm('0.2.1', '0.2.1', { service: true });
    expect(seam.calls).toEqual([]);
    expect(seam.restarts).toEqual([]);
    expect(reply).toContain('Nothing to update.');
  });

  it('reports a failed npm install and does not restart', async () => {
    const { reply, seam } = await confirm('0.2.1', '0.3.0', { service: true }, 1);
    expect(reply).toContain('❌ npm install -g hermes-gateway@0.3.0 failed: npm ERR! code EACCES');
    expect(seam.restarts).toEqual([]);
  });

  it('refuses when the install folder is not writable', async () => {
    const { reply, seam, root } = await confirm('0.2.1', '0.3.0', { writable: async () => false });
    expect(reply).toContain(`⛔ Cannot update: ${join(root, '..')} is not writable by this user`);
    expect(seam.calls).toEqual([]);
  });

  it('refuses to update a copy in the npx cache', async () => {
    const npm = await startFakeRegistry('0.3.0');
    const root = join(tempDir(), '_npx', 'abc123', 'node_modules', 'hermes-gateway');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'package.json'), '{"name":"hermes-gateway","version":"0.2.1"}');
    const seam = recordedProcess();
    const reply = await update('/update confirm', { root, registry: npm.url, run: seam.run });
    expect(reply).toContain('(npx cache)');
    expect(reply).toContain('⛔ Cannot update: it runs from the npx cache');
    expect(seam.calls).toEqual([]);
  });

  it('refuses an unknown option with the usage', async () => {
    expect(await update('/update now', { root: npmInstall('0.2.1') })).toBe(
      'Unknown option "now". Usage: /update or /update confirm',
    );
  });
});

describe('/update behind the tier gate', () => {
  it('is a built-in command that a user-tier caller is refused', async () => {
    const fake = await fakeServices({ config: TIERS });
    const reply = await say(fake, '/update confirm', { registry: createBuiltinRegistry() });
    expect(reply).toMatch(/^⛔ \/update is admin-only here\./);
  });

  it('refuses a user with the real seams, so nothing runs', async () => {
    const seam = recordedProcess();
    const registry = new CommandRegistry().register(
      createUpdateCommand({ root: npmInstall('0.2.1'), run: seam.run }),
    );
    const fake = await fakeServices({ config: TIERS });
    expect(await say(fake, '/update confirm', { registry })).toMatch(/admin-only/);
    expect(seam.calls).toEqual([]);
  });
});
