/**
 * /update for a git checkout, with real git in temp folders: a bare "remote"
 * gets commits the clone does not have; /update counts them, /update confirm
 * fast-forwards the clone and (through the recorded seam) runs npm ci and the
 * restart. A dirty tree, or a checkout without upstream, is refused.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createUpdateCommand } from '../../src/commands/builtin/update.ts';
import { CommandRegistry } from '../../src/commands/registry.ts';
import type { UpdateDeps } from '../../src/update/update-deps.ts';
import { fakeServices, say } from '../commands/fake-services.ts';
import { recordedProcess } from './recorded-process.ts';
import { git, gitInstall, gitMissing } from './temp-install.ts';

const ADMIN = { message: { userId: '1' } };
const TIERS = { gateway: { platforms: { telegram: { extra: { allow_admin_from: '1' } } } } };

async function update(text: string, deps: Partial<UpdateDeps>, message = ADMIN) {
  const registry = new CommandRegistry().register(createUpdateCommand(deps, {}));
  return say(await fakeServices({ config: TIERS }), text, { ...message, registry });
}

const missing = gitMissing();
if (missing && process.env.CI === 'true') {
  describe('/update with a git checkout', () => {
    it('needs git', () => {
      throw new Error(`git is required under CI: ${missing}`);
    });
  });
} else {
  if (missing) console.warn(`[update tests] skipped "/update with a git checkout": ${missing}`);
  describe.skipIf(!!missing)('/update with a git checkout', () => {
    it('reports how many commits the checkout is behind its upstream', async () => {
      const install = gitInstall('0.1.0');
      install.push(3, '0.2.0');
      const head = git(install.clone, 'rev-parse', '--short', 'HEAD');
      const reply = await update('/update', { root: install.clone });
      expect(reply).toContain(`Running: hermes-gateway 0.1.0 (git checkout at ${head})`);
      expect(reply).toMatch(/Newest: origin\/main at [0-9a-f]+ \(0\.2\.0\) — 3 commits behind\./);
    });

    it('says an up-to-date checkout is up to date', async () => {
      const install = gitInstall('0.1.0');
      expect(await update('/update', { root: install.clone })).toMatch(/— up to date\./);
    });

    it('pulls with --ff-only, then records npm ci and the restart', async () => {
      const install = gitInstall('0.1.0');
      install.push(2, '0.2.0');
      const seam = recordedProcess();
      const reply = await update('/update confirm', {
        root: install.clone,
        run: seam.run,
        service: true,
        restart: seam.restart,
      });
      const commands = seam.calls.map((c) => c.command);
      expect(commands).toContain('git pull --ff-only');
      expect(commands.at(-1)).toBe('npm ci --no-audit --no-fund');
      expect(commands.indexOf('git pull --ff-only')).toBeLessThan(
        commands.indexOf('npm ci --no-audit --no-fund'),
      );
      expect(seam.calls.every((c) => c.cwd === install.clone)).toBe(true);
      expect(JSON.parse(readFileSync(join(install.clone, 'package.json'), 'utf8')).version).toBe('0.2.0');
      expect(git(install.clone, 'rev-list', '--count', 'HEAD..@{u}')).toBe('0');
      expect(seam.restarts).toEqual(['restart']);
      expect(reply).toContain('✅ git pull --ff-only');
      expect(reply).toContain('Restarting the gateway service');
    });

    it('refuses a checkout with local changes and leaves it as it was', async () => {
      const install = gitInstall('0.1.0');
      install.push(1, '0.2.0');
      writeFileSync(
        join(install.clone, 'package.json'),
        '{"name":"hermes-gateway","version":"0.1.0-local"}\n',
      );
      const seam = recordedProcess();
      const reply = await update('/update confirm', { root: install.clone, run: seam.run });
      expect(reply).toContain(
        '⛔ Cannot update: the checkout has local changes (1 file): commit or stash them first',
      );
      expect(seam.calls.map((c) => c.command)).not.toContain('git pull --ff-only');
      expect(seam.calls.some((c) => c.command.startsWith('npm'))).toBe(false);
      expect(git(install.clone, 'rev-list', '--count', 'HEAD..@{u}')).toBe('1');
    });

    it('refuses a checkout without an upstream branch', async () => {
      const install = gitInstall('0.1.0');
      git(install.clone, 'checkout', '--quiet', '-b', 'local-only');
      const seam = recordedProcess();
      const reply = await update('/update confirm', { root: install.clone, run: seam.run });
      expect(reply).toContain(
        '⛔ Cannot update: the newest version is unknown: this checkout has no upstream branch',
      );
      expect(seam.calls.some((c) => c.command.startsWith('npm'))).toBe(false);
    });

    it('reports a pull that cannot fast-forward', async () => {
      const install = gitInstall('0.1.0');
      install.push(1, '0.2.0');
      writeFileSync(join(install.clone, 'notes.txt'), 'local\n');
      git(install.clone, 'add', 'notes.txt');
      git(install.clone, 'commit', '--quiet', '-m', 'local work');
      const seam = recordedProcess();
      const reply = await update('/update confirm', { root: install.clone, run: seam.run });
      expect(reply).toMatch(/❌ git pull --ff-only failed: /);
      expect(seam.calls.some((c) => c.command.startsWith('npm'))).toBe(false);
    });

    it('refuses a user-tier caller before anything runs', async () => {
      const install = gitInstall('0.1.0');
      install.push(1, '0.2.0');
      const seam = recordedProcess();
      const reply = await update(
        '/update confirm',
        { root: install.clone, run: seam.run },
        { message: { userId: '42' } },
      );
      expect(reply).toMatch(/^⛔ \/update is admin-only here\./);
      expect(seam.calls).toEqual([]);
      expect(JSON.parse(readFileSync(join(install.clone, 'package.json'), 'utf8')).version).toBe('0.1.0');
    });
  });
}
