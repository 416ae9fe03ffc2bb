/**
 * The systemd unit of the gateway: a user unit (`systemctl --user`, started with
 * the user's manager) or a boot-time system unit that runs as the user.
 */
import { join } from 'node:path';
import { GATEWAY_ARGS, type ServiceSpec } from './service-spec.ts';

/** Which systemd manager a unit belongs to. */
export type ServiceScope = 'user' | 'system';

/** Exit code of `hermes gateway` for an invalid configuration: restarting cannot help. */
const CONFIG_EXIT_CODE = 2;

/**
 * One word of a unit file, double-quoted: `\` and `"` escaped, `%` doubled (else
 * a specifier), and in command lines `$` doubled (else a variable).
 */
function quote(value: string, { command = false } = {}): string {
  let text = value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%');
  if (command) text = text.replace(/\$/g, '$$$$');
  return `"${text}"`;
}

/**
 * The text of the unit file.
 *
 * @example
 * renderSystemdUnit({ home, nodePath: process.execPath, binPath, path, stopTimeoutSeconds: 40 }, 'user')
 */
export function renderSystemdUnit(spec: ServiceSpec, scope: ServiceScope): string {
  const exec = [spec.nodePath, spec.binPath, ...GATEWAY_ARGS].map((word) => quote(word, { command: true }));
  const unit = [
    '[Unit]',
    `Description=Hermes gateway (${spec.home.replace(/%/g, '%%')})`,
    ...(scope === 'system' ? ['After=network-online.target', 'Wants=network-online.target'] : []),
    '',
    '[Service]',
    'Type=simple',
    ...(scope === 'system' && spec.runAs ? [`User=${spec.runAs}`] : []),
    `ExecStart=${exec.join(' ')}`,
    `Environment=${quote(`HERMES_HOME=${spec.home}`)}`,
    `Environment=${quote(`PATH=${spec.path}`)}`,
    `EnvironmentFile=-${join(spec.home, '.env').replace(/%/g, '%%')}`,
    'Restart=on-failure',
    'RestartSec=5',
    `RestartPreventExitStatus=${CONFIG_EXIT_CODE}`,
    // SIGTERM to the gateway only: it drains and ends its own child processes;
    // whatever is left gets SIGKILL when the timeout runs out.
    'KillMode=mixed',
    'KillSignal=SIGTERM',
    `TimeoutStopSec=${spec.stopTimeoutSeconds}`,
    '',
    '[Install]',
    `WantedBy=${scope === 'system' ? 'multi-user.target' : 'default.target'}`,
    '',
  ];
  return ['# Written by "hermes gateway install"; run it again to update this file.', ...unit].join('\n');
}
