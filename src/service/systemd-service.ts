/**
 * The gateway as a systemd service: a user unit driven with `systemctl --user`,
 * or with `--system` a boot-time unit in /etc/systemd/system that runs as the user.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { runOrFail } from './command-runner.ts';
import type { ServiceController, ServiceOutput } from './service-controller.ts';
import type { ServiceEnvironment } from './service-environment.ts';
import { ServiceError } from './service-error.ts';
import { parseSystemctlShow, type ServiceStatus, SYSTEMD_STATUS_PROPERTIES } from './service-status.ts';
import type { ServiceTarget } from './service-target.ts';
import { renderSystemdUnit } from './systemd-unit.ts';

/** What to do when a systemctl call fails. */
function systemctlFix(target: ServiceTarget): string {
  return target.scope === 'user'
    ? 'user services need a running user manager (a login session, or "loginctl enable-linger" for your user); ' +
        'see "systemctl --user status", or install a system service with "sudo hermes gateway install --system"'
    : 'system services are controlled by root: run the command with sudo; see "systemctl status"';
}

/** The warning when a user unit and a system unit run the same home. */
export function bothUnitsWarning(target: ServiceTarget): string | undefined {
  if (!target.otherFile || !existsSync(target.file) || !existsSync(target.otherFile)) return undefined;
  const [user, system] =
    target.scope === 'user' ? [target.file, target.otherFile] : [target.otherFile, target.file];
  return (
    `⚠️ Both a user unit (${user}) and a system unit (${system}) exist for ${target.spec.home}: ` +
    'two gateways on one home would answer every message twice. Remove one with ' +
    '"hermes gateway uninstall" or "sudo hermes gateway uninstall --system".'
  );
}

/** Creates the systemd controller of `target`. */
export function createSystemdController(
  senv: ServiceEnvironment,
  target: ServiceTarget,
  out: ServiceOutput,
): ServiceController {
  const unit = target.names.unit;
  const scopeArgs = target.scope === 'user' ? ['--user'] : [];
  const systemctl = (...args: string[]) =>
    runOrFail(senv.run, 'systemctl', [...scopeArgs, ...args], systemctlFix(target));
  const sudo = target.scope === 'system' ? 'sudo ' : '';
  const flag = target.scope === 'system' ? ' --system' : '';
  const what = `${unit} (${target.scope} service)`;

  const warnBoth = () => {
    const warning = bothUnitsWarning(target);
    if (warning) out.warn(warning);
  };
  const requireInstalled = () => {
    warnBoth();
    if (!existsSync(target.file)) {
      throw new ServiceError(
        `${unit} is not installed (no ${target.file})`,
        `install it first: ${sudo}hermes gateway install${flag}`,
        { file: target.file },
      );
    }
  };
  const expected = () => renderSystemdUnit(target.spec, target.scope);

  return {
    target,
    async install() {
      mkdirSync(dirname(target.file), { recursive: true });
      writeFileSync(target.file, expected(), { mode: 0o644 });
      out.info(`Wrote ${target.file}`);
      warnBoth();
      await systemctl('daemon-reload');
      await systemctl('enable', unit);
      await systemctl('restart', unit);
      out.info(`Enabled and started ${what}; it runs ${target.spec.home} as ${target.user}.`);
      if (target.scope === 'user') {
        out.info(
          `It runs while ${target.user} is logged in; to keep it running after logout and start it at boot: ` +
            `loginctl enable-linger ${target.user}`,
        );
      }
    },
    async uninstall() {
      warnBoth();
      if (!existsSync(target.file)) {
        out.info(`${unit} is not installed (no ${target.file}); nothing to remove.`);
        return;
      }
      await systemctl('stop', unit);
      await systemctl('disable', unit);
      rmSync(target.file, { force: true });
      await systemctl('daemon-reload');
      out.info(`Stopped, disabled and removed ${what} (${target.file}).`);
    },
    async start() {
      requireInstalled();
      await systemctl('start', unit);
      out.info(`Started ${what}.`);
    },
    async stop() {
      requireInstalled();
      await systemctl('stop', unit);
      out.info(`Stopped ${what}: the gateway drained its runs before it exited.`);
    },
    async restart() {
      requireInstalled();
      await systemctl('restart', unit);
      out.info(`Restarted ${what}: the gateway drained its runs before it stopped.`);
    },
    async status(): Promise<ServiceStatus> {
      warnBoth();
      if (!existsSync(target.file)) return { state: 'not installed' };
      if (readFileSync(target.file, 'utf8') !== expected()) {
        out.warn(
          `Note: ${target.file} differs from what this install writes now (Node path, PATH or drain timeout changed); ` +
            `run "${sudo}hermes gateway install${flag}" to update it.`,
        );
      }
      const shown = await systemctl('show', '-p', SYSTEMD_STATUS_PROPERTIES, unit);
      return parseSystemctlShow(shown.stdout, senv.now());
    },
    logHint() {
      return `journalctl${target.scope === 'user' ? ' --user' : ''} -u ${unit}`;
    },
  };
}
