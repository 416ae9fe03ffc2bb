/**
 * The seam through which setup installs or restarts the gateway service: it
 * runs this install's own `hermes gateway install|restart` as a child process
 * (`HERMES_SETUP_HERMES` names another command, e.g. a wrapper) and says
 * plainly when that command does not exist in this version.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What the service command did. */
export interface ServiceOutcome {
  action: 'install' | 'restart';
  /** ok, failed (exit code and output), or unknown (this hermes has no such command). */
  result: 'ok' | 'failed' | 'unknown';
  exitCode: number | null;
  output: string;
}

/** The `hermes` entry point of this install. */
const HERMES_BIN = fileURLToPath(new URL('../../../bin/hermes.js', import.meta.url));

/** Runs a service action; the child's output is collected, not shown, so the wizard can word the outcome. */
export type ServiceRunner = (action: 'install' | 'restart') => Promise<ServiceOutcome>;

/**
 * Runs `hermes gateway <action>` with this environment.
 *
 * @example
 * const outcome = await runServiceCommand(process.env)('restart');
 * if (outcome.result === 'unknown') console.log('this version cannot restart the service');
 */
export function runServiceCommand(env: NodeJS.ProcessEnv): ServiceRunner {
  return (action) =>
    new Promise((resolve) => {
      const custom = env.HERMES_SETUP_HERMES?.trim();
      const [command, ...prefix] = custom ? [custom] : [process.execPath, HERMES_BIN];
      let output = '';
      const child = spawn(command as string, [...prefix, 'gateway', action], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
      });
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
      });
      child.on('error', (error) =>
        resolve({ action, result: 'failed', exitCode: null, output: error.message }),
      );
      child.on('close', (exitCode) => {
        const unknown = /unknown command|too many arguments/i.test(output);
        const result = exitCode === 0 ? 'ok' : unknown ? 'unknown' : 'failed';
        resolve({ action, result, exitCode, output: output.trim() });
      });
    });
}

/** One or two sentences about the outcome for the person at the terminal. */
export function describeServiceOutcome(outcome: ServiceOutcome): string {
  const verb = outcome.action === 'install' ? 'installed' : 'restarted';
  if (outcome.result === 'ok')
    return `The gateway service was ${verb}.${outcome.output ? `\n${outcome.output}` : ''}`;
  if (outcome.result === 'unknown') {
    return `This version of hermes has no "hermes gateway ${outcome.action}" command, so nothing was ${verb}. Start the gateway with "hermes gateway".`;
  }
  return `"hermes gateway ${outcome.action}" failed (exit code ${outcome.exitCode ?? 'none'}):\n${outcome.output}`;
}
