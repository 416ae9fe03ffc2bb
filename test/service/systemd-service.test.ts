/**
 * `hermes gateway install|start|stop|restart|status|uninstall` on Linux: the unit
 * file written and the exact systemctl calls, for the user unit and `--system`,
 * the refusals, and the warning when a user and a system unit run one home.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOnMachine } from './run-cli.ts';
import { fakeMachine } from './service-fixture.ts';

const UNIT = 'hermes-gateway.service';
const SUDO = { sudo: true };

describe('systemd user unit', () => {
  it('install writes the unit, reloads, enables and starts it', async () => {
    const machine = fakeMachine();
    const run = await runOnMachine(machine, ['gateway', 'install']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(machine.calls).toEqual([
      'systemctl --user daemon-reload',
      `systemctl --user enable ${UNIT}`,
      `systemctl --user restart ${UNIT}`,
    ]);
    const unit = readFileSync(join(machine.userUnitDir, UNIT), 'utf8');
    const home = join(machine.userHome, '.hermes');
    expect(unit).toContain(
      `ExecStart="${process.execPath}" "${join(process.cwd(), 'bin', 'hermes.js')}" "gateway"`,
    );
    expect(unit).toContain(`Environment="HERMES_HOME=${home}"`);
    expect(unit).toMatch(new RegExp(`Environment="PATH=${process.execPath.replace(/\/node$/, '')}:`));
    expect(unit).toContain('Restart=on-failure');
    expect(unit).toContain('KillSignal=SIGTERM');
    expect(unit).toContain('TimeoutStopSec=40'); // drain_timeout_seconds 10 + 30
    expect(unit).toContain('WantedBy=default.target');
    expect(unit).not.toContain('User=');
    expect(run.stdout).toContain(`Enabled and started ${UNIT} (user service)`);
    expect(run.stdout).toContain('loginctl enable-linger ann');
  });

  it('takes the stop timeout from gateway.drain_timeout_seconds', async () => {
    const machine = fakeMachine();
    const home = join(machine.root, 'slow');
    mkdirSync(home);
    writeFileSync(join(home, 'config.yaml'), 'gateway:\n  drain_timeout_seconds: 120\n');
    expect((await runOnMachine(machine, ['gateway', 'install'], { HERMES_HOME: home })).code).toBe(0);
    const [name] = machine.calls[1]?.split(' ').slice(-1) ?? [];
    expect(readFileSync(join(machine.userUnitDir, name ?? ''), 'utf8')).toContain('TimeoutStopSec=150');
  });

  it('install refuses an invalid configuration with the key and writes nothing', async () => {
    const machine = fakeMachine();
    const home = join(machine.root, 'broken');
    mkdirSync(home);
    writeFileSync(join(home, 'config.yaml'), 'gateway:\n  drain_timeout_seconds: soon\n');
    const run = await runOnMachine(machine, ['gateway', 'install'], { HERMES_HOME: home });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('gateway.drain_timeout_seconds');
    expect(machine.calls).toEqual([]);
    expect(existsSync(machine.userUnitDir)).toBe(false);
  });

  it('start, stop and restart call systemctl --user on the unit', async () => {
    const machine = fakeMachine();
    await runOnMachine(machine, ['gateway', 'install']);
    machine.calls.length = 0;
    const start = await runOnMachine(machine, ['gateway', 'start']);
    const stop = await runOnMachine(machine, ['gateway', 'stop']);
    const restart = await runOnMachine(machine, ['gateway', 'restart']);
    expect([start.code, stop.code, restart.code]).toEqual([0, 0, 0]);
    expect(machine.calls).toEqual([
      `systemctl --user start ${UNIT}`,
      `systemctl --user stop ${UNIT}`,
      `systemctl --user restart ${UNIT}`,
    ]);
    expect(stop.stdout).toContain('drained');
  });

  it('start before install is refused with the fix, and calls nothing', async () => {
    const machine = fakeMachine();
    const run = await runOnMachine(machine, ['gateway', 'start']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${UNIT} is not installed`);
    expect(run.stderr).toContain('Fix: install it first: hermes gateway install');
    expect(machine.calls).toEqual([]);
  });

  it('a failing systemctl is reported with its output and what to do', async () => {
    const machine = fakeMachine({
      script: (line) =>
        line.startsWith('systemctl --user start')
          ? { code: 1, stderr: 'Failed to connect to bus: No medium found' }
          : undefined,
    });
    await runOnMachine(machine, ['gateway', 'install']);
    const run = await runOnMachine(machine, ['gateway', 'start']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `"systemctl --user start ${UNIT}" failed with exit code 1: Failed to connect to bus`,
    );
    expect(run.stderr).toContain('loginctl enable-linger');
  });

  it('uninstall stops, disables and removes the unit, then reloads', async () => {
    const machine = fakeMachine();
    await runOnMachine(machine, ['gateway', 'install']);
    machine.calls.length = 0;
    const run = await runOnMachine(machine, ['gateway', 'uninstall']);
    expect(run.code).toBe(0);
    expect(machine.calls).toEqual([
      `systemctl --user stop ${UNIT}`,
      `systemctl --user disable ${UNIT}`,
      'systemctl --user daemon-reload',
    ]);
    expect(existsSync(join(machine.userUnitDir, UNIT))).toBe(false);
    const again = await runOnMachine(machine, ['gateway', 'uninstall']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('not installed');
  });
});

describe('systemd system unit (--system)', () => {
  it('sudo install writes a boot-time unit that runs as SUDO_USER with their home', async () => {
    const machine = fakeMachine();
    const run = await runOnMachine(machine, ['gateway', 'install', '--system'], {}, SUDO);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(machine.calls).toEqual([
      'getent passwd ann',
      'systemctl daemon-reload',
      `systemctl enable ${UNIT}`,
      `systemctl restart ${UNIT}`,
    ]);
    const unit = readFileSync(join(machine.systemUnitDir, UNIT), 'utf8');
    expect(unit).toContain('User=ann');
    expect(unit).toContain(`Environment="HERMES_HOME=${join(machine.userHome, '.hermes')}"`);
    expect(unit).toContain('WantedBy=multi-user.target');
    expect(unit).toContain('After=network-online.target');
    expect(existsSync(join(machine.userUnitDir, UNIT))).toBe(false);
  });

  it('is refused without root, and as root without SUDO_USER', async () => {
    const machine = fakeMachine();
    const noRoot = await runOnMachine(machine, ['gateway', 'install', '--system']);
    expect(noRoot.code).toBe(1);
    expect(noRoot.stderr).toContain('needs root');
    expect(noRoot.stderr).toContain('Fix: run it with sudo');
    const noSudoUser = await runOnMachine(
      machine,
      ['gateway', 'install', '--system'],
      { SUDO_USER: '' },
      SUDO,
    );
    expect(noSudoUser.code).toBe(1);
    expect(noSudoUser.stderr).toContain('SUDO_USER is not set');
    expect(machine.calls).toEqual([]);
    expect(existsSync(machine.systemUnitDir)).toBe(false);
  });

  it('start, stop, restart, status and uninstall call systemctl without --user', async () => {
    const machine = fakeMachine();
    await runOnMachine(machine, ['gateway', 'install', '--system'], {}, SUDO);
    machine.calls.length = 0;
    for (const action of ['start', 'stop', 'restart', 'status', 'uninstall']) {
      const run = await runOnMachine(machine, ['gateway', action, '--system'], {}, SUDO);
      expect(run.code, `${action}: ${run.stderr}`).toBe(0);
    }
    expect(machine.calls.filter((c) => c !== 'getent passwd ann')).toEqual([
      `systemctl start ${UNIT}`,
      `systemctl stop ${UNIT}`,
      `systemctl restart ${UNIT}`,
      `systemctl show -p ActiveState,SubState,MainPID,ExecMainStartTimestamp ${UNIT}`,
      `systemctl stop ${UNIT}`,
      `systemctl disable ${UNIT}`,
      'systemctl daemon-reload',
    ]);
    expect(existsSync(join(machine.systemUnitDir, UNIT))).toBe(false);
  });
});

describe('both a user and a system unit for one home', () => {
  it('is warned about by install, start and status, in either scope', async () => {
    const machine = fakeMachine();
    const system = await runOnMachine(machine, ['gateway', 'install', '--system'], {}, SUDO);
    expect(system.stderr).toBe('');
    const install = await runOnMachine(machine, ['gateway', 'install']);
    expect(install.code).toBe(0);
    expect(install.stderr).toContain('⚠️ Both a user unit');
    expect(install.stderr).toContain(join(machine.userUnitDir, UNIT));
    expect(install.stderr).toContain(join(machine.systemUnitDir, UNIT));
    const start = await runOnMachine(machine, ['gateway', 'start']);
    expect(start.stderr).toContain('⚠️ Both a user unit');
    const status = await runOnMachine(machine, ['gateway', 'status', '--system'], {}, SUDO);
    expect(status.stderr).toContain('⚠️ Both a user unit');
    expect(status.stderr).toContain('sudo hermes gateway uninstall --system');
  });

  it('is not shown when another home has the other unit', async () => {
    const machine = fakeMachine();
    await runOnMachine(machine, ['gateway', 'install', '--system'], {}, SUDO);
    const other = await runOnMachine(machine, ['gateway', 'install'], {
      HERMES_HOME: join(machine.root, 'work'),
    });
    expect(other.code).toBe(0);
    expect(other.stderr).toBe('');
  });
});
