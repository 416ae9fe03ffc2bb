/**
 * `hermes gateway install | uninstall | start | stop | restart` (each with
 * `--system` on Linux) and the service part of `hermes gateway status`: the
 * gateway as a systemd user or system unit, or a launchd agent on macOS.
 */
import type { Command } from 'commander';
import { logFilePath } from '../logger.ts';
import { createServiceController } from '../service/service-control.ts';
import type { ServiceOutput } from '../service/service-controller.ts';
import { processServiceEnvironment, type ServiceEnvironment } from '../service/service-environment.ts';
import { formatServiceState } from '../service/service-status.ts';
import { EXIT_FAILURE, reportError } from './report-error.ts';

/** What the service commands need. */
export interface ServiceCommandDeps {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Replaces parts of the machine: unit folders, the command runner, the user (tests). */
  service?: Partial<ServiceEnvironment>;
}

/** The service commands besides `status`. */
export type ServiceAction = 'install' | 'uninstall' | 'start' | 'stop' | 'restart';

/** Options of the service commands. */
export interface ServiceCommandOptions {
  /** The boot-time system unit (Linux) instead of the user service. */
  system: boolean;
}

const DESCRIPTIONS: Record<ServiceAction, string> = {
  install:
    'run the gateway as a service: a systemd user unit (Linux) or launchd agent (macOS), enabled and started',
  uninstall: 'stop the service (the gateway drains), disable it and remove its unit or plist',
  start: 'start the installed service',
  stop: 'stop the service with SIGTERM: the gateway drains its runs and exits',
  restart: 'restart the service: the gateway drains its runs, stops and starts again',
};

/** The `--system` option of every service command. */
export const SYSTEM_FLAG = [
  '--system',
  'the boot-time system service of Linux that runs as your user (install and uninstall need sudo)',
] as const;

function serviceEnvironment(deps: ServiceCommandDeps): ServiceEnvironment {
  return { ...processServiceEnvironment(deps.env), ...deps.service };
}

function output(deps: ServiceCommandDeps): ServiceOutput {
  return { info: (line) => deps.stdout(`${line}\n`), warn: (line) => deps.stderr(`${line}\n`) };
}

/** Runs one service command; resolves with the exit code. */
export async function runServiceCommand(
  action: ServiceAction,
  options: ServiceCommandOptions,
  deps: ServiceCommandDeps,
): Promise<number> {
  try {
    const writes = action === 'install' || action === 'uninstall';
    const service = await createServiceController(
      serviceEnvironment(deps),
      { system: options.system, writes, strictConfig: action === 'install' },
      output(deps),
    );
    await service[action]();
    return 0;
  } catch (error) {
    return reportError(error, deps.stderr);
  }
}

/** What the service part of `hermes gateway status` found. */
export interface ServiceStatusResult {
  /** 1 when the service failed, else 0 (a service manager that cannot be asked is reported on stderr only). */
  code: number;
  /** The Hermes home the service runs (with sudo: the invoking user's), when it could be resolved. */
  home?: string;
  /**
   * Set when the gateway's own status must not be read: as root through sudo,
   * opening the user's database would leave root-owned files the gateway cannot write.
   */
  skipGatewayStatus?: string;
}

/**
 * Prints the service part of `hermes gateway status`: name, file, state, pid,
 * uptime and where the logs are.
 */
export async function printServiceStatus(
  options: ServiceCommandOptions,
  deps: ServiceCommandDeps,
): Promise<ServiceStatusResult> {
  let home: string | undefined;
  try {
    const senv = serviceEnvironment(deps);
    const service = await createServiceController(
      senv,
      { system: options.system, writes: false, strictConfig: false },
      output(deps),
    );
    const { target } = service;
    home = target.spec.home;
    const flag = options.system ? ' --system' : '';
    const result: ServiceStatusResult = { code: 0, home };
    if (senv.uid === 0 && target.user !== senv.username) {
      result.skipGatewayStatus =
        `Run "hermes gateway status${flag}" as ${target.user} (without sudo) to see the gateway's own status: ` +
        `as root it would leave files in ${home} that the gateway cannot write.`;
    }
    const status = await service.status();
    const name = target.kind === 'systemd' ? target.names.unit : target.names.label;
    if (status.state === 'not installed') {
      deps.stdout(
        `Service: ${name} is not installed (${target.file}); "hermes gateway install${flag}" runs the gateway as a ${target.scope} service.\n\n`,
      );
      return result;
    }
    deps.stdout(
      [
        `Service: ${name} (${target.scope} service, ${target.file})`,
        `  State: ${formatServiceState(status)}`,
        `  Logs: ${service.logHint()}, and ${logFilePath(target.spec.home)}`,
        '',
        '',
      ].join('\n'),
    );
    return { ...result, code: status.state === 'failed' ? EXIT_FAILURE : 0 };
  } catch (error) {
    reportError(error, deps.stderr);
    return { code: 0, home };
  }
}

/** Adds install, uninstall, start, stop and restart under `hermes gateway`. */
export function registerServiceCommands(
  gateway: Command,
  deps: ServiceCommandDeps,
  setExitCode: (code: number) => void,
): void {
  for (const action of Object.keys(DESCRIPTIONS) as ServiceAction[]) {
    gateway
      .command(action)
      .description(DESCRIPTIONS[action])
      .option(...SYSTEM_FLAG)
      .action(async (opts: { system?: boolean }) =>
        setExitCode(await runServiceCommand(action, { system: opts.system === true }, deps)),
      );
  }
}
