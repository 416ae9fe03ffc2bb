/**
 * `hermes gateway status` shows the service first (state, pid, uptime, logs),
 * then the gateway's own recorded state, for a user unit and `--system`.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOnMachine } from './run-cli.ts';
import { fakeMachine } from './service-fixture.ts';

const UNIT = 'hermes-gateway.service';
const SHOW = `systemctl --user show -p ActiveState,SubState,MainPID,ExecMainStartTimestamp ${UNIT}`;

describe('hermes gateway status with a service', () => {
  it('says the service is not installed, then prints the gateway status, calling nothing', async () => {
    const machine = fakeMachine();
    const run = await runOnMachine(machine, ['gateway', 'status']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Service: hermes-gateway\.service is not installed .*"hermes gateway install"/,
    );
    expect(run.stdout).toContain(`\n\nThe gateway has not run in ${join(machine.userHome, '.hermes')} yet`);
    expect(machine.calls).toEqual([]);
  });

  it('shows state, pid and uptime from systemctl show above the gateway status', async () => {
    const machine = fakeMachine({
      script: (line) =>
        line === SHOW
          ? {
              stdout:
                'ActiveState=active\nSubState=running\nMainPID=4242\nExecMainStartTimestamp=Thu 2026-12-03 10:00:00 UTC\n',
            }
          : undefined,
    });
    await runOnMachine(machine, ['gateway', 'install']);
    machine.calls.length = 0;
    const run = await runOnMachine(machine, ['gateway', 'status']);
    expect(run.code).toBe(0);
    expect(machine.calls).toEqual([SHOW]);
    const [service, gateway] = run.stdout.split('\n\n');
    expect(service).toBe(
      [
        `Service: ${UNIT} (user service, ${join(machine.userUnitDir, UNIT)})`,
        '  State: active (running), pid 4242, up 1h 2m (since Thu 2026-12-03 10:00:00 UTC)',
        `  Logs: journalctl --user -u ${UNIT}, and ${join(machine.userHome, '.hermes', 'logs', 'gateway.log')}`,
      ].join('\n'),
    );
    expect(gateway?.startsWith(`The gateway has not run in ${join(machine.userHome, '.hermes')} yet`)).toBe(
      true,
    );
  });

  it('exits 1 when the service failed', async () => {
    const machine = fakeMachine({
      script: (line) =>
        line === SHOW
          ? { stdout: 'ActiveState=failed\nSubState=failed\nMainPID=0\nExecMainStartTimestamp=\n' }
          : undefined,
    });
    await runOnMachine(machine, ['gateway', 'install']);
    const run = await runOnMachine(machine, ['gateway', 'status']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  State: failed (failed)\n');
  });

  it('still prints the gateway status when systemctl cannot be asked', async () => {
    const machine = fakeMachine({
      script: (line) =>
        line === SHOW ? { code: 1, stderr: 'Failed to connect to bus: No medium found' } : undefined,
    });
    await runOnMachine(machine, ['gateway', 'install']);
    const run = await runOnMachine(machine, ['gateway', 'status']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Failed to connect to bus');
    expect(run.stdout).toContain(`The gateway has not run in ${join(machine.userHome, '.hermes')} yet`);
  });

  it('with sudo --system shows the service of the user who ran sudo and leaves their database alone', async () => {
    const machine = fakeMachine();
    const run = await runOnMachine(machine, ['gateway', 'status', '--system'], {}, { sudo: true });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Service: hermes-gateway\.service is not installed .*"hermes gateway install --system"/,
    );
    expect(run.stdout).toContain(`the gateway cannot write`);
    expect(run.stdout).toContain(`Run "hermes gateway status --system" as ann (without sudo)`);
    expect(run.stdout).not.toContain('The gateway has not run');
    expect(machine.calls).toEqual(['getent passwd ann']);
  });

  it('--system without sudo reads the service and the gateway of your own home', async () => {
    const machine = fakeMachine();
    const run = await runOnMachine(machine, ['gateway', 'status', '--system']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`not installed (${join(machine.systemUnitDir, 'hermes-gateway.service')})`);
    expect(run.stdout).toContain(`The gateway has not run in ${join(machine.userHome, '.hermes')} yet`);
    expect(machine.calls).toEqual([]);
  });

  it('says when the unit on disk is older than what this install writes', async () => {
    const machine = fakeMachine({
      script: (line) => (line === SHOW ? { stdout: 'ActiveState=inactive\n' } : undefined),
    });
    await runOnMachine(machine, ['gateway', 'install'], { PATH: '/usr/bin' });
    const run = await runOnMachine(machine, ['gateway', 'status'], { PATH: '/opt/other/bin:/usr/bin' });
    expect(run.stderr).toContain(
      `${join(machine.userUnitDir, UNIT)} differs from what this install writes now`,
    );
    expect(run.stdout).toContain('  State: inactive\n');
  });
});
