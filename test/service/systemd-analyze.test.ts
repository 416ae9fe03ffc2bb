/**
 * The units `hermes gateway install` writes pass `systemd-analyze verify`: the
 * user unit and the system unit, for a home whose path needs quoting (space, `%`,
 * `$`, quote). systemd-analyze only reads files in a temp folder; the user
 * manager's runtime folder it needs is a temp folder too.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ServiceSpec, servicePath } from '../../src/service/service-spec.ts';
import { renderSystemdUnit, type ServiceScope } from '../../src/service/systemd-unit.ts';
import { describeWhenAvailable } from './binary-check.ts';
import { tempDir } from './service-fixture.ts';

const ANALYZE = '/usr/bin/systemd-analyze';
const BIN = resolve(import.meta.dirname, '../../bin/hermes.js');

function analyzeMissing(): string | undefined {
  const probe = spawnSync(ANALYZE, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    return `${ANALYZE} is not available (${probe.error?.message ?? probe.stderr.trim()}); install the Debian package "systemd"`;
  }
  return undefined;
}

/** Writes `text` as `name` into a fresh temp folder and verifies it; returns exit code and the lines about it. */
function verify(
  name: string,
  text: string,
  scope: ServiceScope,
): { code: number | null; problems: string[] } {
  const dir = tempDir();
  const runtime = join(dir, 'runtime');
  mkdirSync(runtime, { mode: 0o700 });
  const file = join(dir, name);
  writeFileSync(file, text);
  const args = [...(scope === 'user' ? ['--user'] : []), 'verify', file];
  const result = spawnSync(ANALYZE, args, {
    encoding: 'utf8',
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', XDG_RUNTIME_DIR: runtime, SYSTEMD_LOG_COLOR: '0' },
  });
  const problems = `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => line.includes(name));
  return { code: result.status, problems };
}

function spec(home: string): ServiceSpec {
  return {
    home,
    nodePath: process.execPath,
    binPath: BIN,
    path: servicePath(process.execPath, BIN, process.env.PATH),
    stopTimeoutSeconds: 40,
    runAs: userInfo().username,
  };
}

describeWhenAvailable('generated systemd units', analyzeMissing(), () => {
  const home = '/srv/hermes homes/50% "sales" $team';

  for (const scope of ['user', 'system'] as const) {
    it(`the ${scope} unit passes systemd-analyze verify`, () => {
      const result = verify(
        'hermes-gateway-sales-3f2a1c.service',
        renderSystemdUnit(spec(home), scope),
        scope,
      );
      expect(result.problems).toEqual([]);
      expect(result.code).toBe(0);
    });
  }

  it('a unit with a mistake is caught, so the check above means something', () => {
    const broken = renderSystemdUnit(spec(home), 'system').replace('Restart=on-failure', 'Restart=sometimes');
    const result = verify('hermes-gateway-broken.service', broken, 'system');
    expect(result.problems.join('\n')).toMatch(/restart specifier.*sometimes/);
  });
});

describe('unit quoting', () => {
  it('escapes %, $, quotes and backslashes so systemd passes the path through unchanged', () => {
    const unit = renderSystemdUnit(spec('/h/50% "a" $b\\c'), 'user');
    expect(unit).toContain('Environment="HERMES_HOME=/h/50%% \\"a\\" $b\\\\c"');
    expect(unit).toContain(`ExecStart="${process.execPath}" "${BIN}" "gateway"`);
    const exec = renderSystemdUnit({ ...spec('/h'), binPath: '/opt/$x/50%/hermes.js' }, 'user');
    expect(exec).toContain('"/opt/$$x/50%%/hermes.js"');
  });
});
