/** Runs `hermes <args>` in-process against a fake machine, capturing its output. */
import type { GatewayCommandDeps } from '../../src/cli/gateway-command.ts';
import { runCli } from '../../src/cli/main.ts';
import type { ServiceCommandDeps } from '../../src/cli/service-command.ts';
import type { FakeMachine } from './service-fixture.ts';

/** What one run printed and its exit code. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `hermes <args>` with `env` on `machine` (its folders and recording runner), by ann or with sudo. */
export async function runOnMachine(
  machine: FakeMachine,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  as: { sudo?: boolean } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const service = machine.senv(env, as);
  const deps: GatewayCommandDeps & ServiceCommandDeps = {
    env: service.env,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    startRuntime: () => Promise.reject(new Error('the service tests never start a gateway')),
    onSignal: () => () => {},
    exit: () => {},
    service,
  };
  const code = await runCli(['node', 'hermes', ...args], deps);
  return { code, stdout, stderr };
}
