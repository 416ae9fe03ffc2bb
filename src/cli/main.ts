/**
 * The `hermes` command line: `hermes gateway` (alias `hermes gateway run`) runs the
 * gateway in the foreground; `--check` validates the configuration and exits.
 * `hermes pairing ...` approves, lists and revokes DM-paired users.
 * `hermes gateway install|uninstall|start|stop|restart` run it as an OS service.
 * `hermes logs` shows the gateway log as readable lines.
 */
import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { registerCronCommand } from './cron-command.ts';
import { registerDoctorCommand } from './doctor-command.ts';
import {
  type GatewayCommandDeps,
  onProcessSignal,
  runGatewayCommand,
  startRuntimeFromModule,
} from './gateway-command.ts';
import { registerLogsCommand } from './logs-command.ts';
import { registerPairingCommand } from './pairing-command.ts';
import { reportError } from './report-error.ts';
import { registerServiceCommands } from './service-command.ts';
import { registerSetupCommand } from './setup-command.ts';
import { registerSkillsCommand } from './skills-command.ts';
import { registerStatusCommand } from './status-command.ts';
import { registerUpdateCommand } from './update-command.ts';

/** The real process: environment, stdout/stderr, signals and exit. */
export function processDeps(): GatewayCommandDeps {
  return {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    startRuntime: startRuntimeFromModule,
    onSignal: onProcessSignal,
    exit: (code) => process.exit(code),
  };
}

/**
 * Builds the `hermes` program. The chosen command stores its exit code through `setExitCode`.
 * Commander's own exits (help, version, usage errors) throw `CommanderError` instead of exiting.
 */
export function createProgram(deps: GatewayCommandDeps, setExitCode: (code: number) => void): Command {
  const program = new Command('hermes')
    .description('Hermes gateway: talk to an AI agent from chat platforms and OpenAI-compatible clients.')
    .version(packageJson.version, '-v, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: deps.stdout, writeErr: deps.stderr })
    .showHelpAfterError('(run "hermes --help" for usage)');

  // `--check` may be parsed by `gateway` or by `gateway run`: read both.
  const runGateway = async (_opts: unknown, command: Command): Promise<void> => {
    const { check } = command.optsWithGlobals<{ check?: boolean }>();
    setExitCode(await runGatewayCommand({ check: check === true }, deps));
  };
  const checkFlag = ['--check', 'validate the configuration, print where it is and exit'] as const;

  const gateway = program
    .command('gateway')
    .description('run the messaging gateway in the foreground until SIGTERM or SIGINT')
    .option(...checkFlag)
    .action(runGateway);

  gateway
    .command('run')
    .description('run the gateway in the foreground (same as "hermes gateway")')
    .option(...checkFlag)
    .action(runGateway);

  registerStatusCommand(gateway, deps, setExitCode);
  registerSetupCommand(gateway, deps, setExitCode);
  registerServiceCommands(gateway, deps, setExitCode);
  registerPairingCommand(program, deps, setExitCode);
  registerCronCommand(program, deps, setExitCode);
  registerSkillsCommand(program, deps, setExitCode);
  registerLogsCommand(program, { ...deps, isTTY: process.stdout.isTTY === true }, setExitCode);
  registerDoctorCommand(program, deps, setExitCode);
  registerUpdateCommand(program, deps, setExitCode);

  return program;
}

/**
 * Runs the `hermes` command line on `argv` (as `process.argv`: node, script, args...)
 * and resolves with the exit code.
 */
export async function runCli(
  argv: readonly string[],
  deps: GatewayCommandDeps = processDeps(),
): Promise<number> {
  let exitCode = 0;
  const program = createProgram(deps, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'node' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    return reportError(error, deps.stderr);
  }
}
