/**
 * `hermes doctor [--json]`: checks this machine and `HERMES_HOME` (Node version,
 * permissions, configuration, each platform's credentials live, ports, disk
 * space, database integrity) and prints ✅/⚠️/❌ with what to fix. Exit code 1
 * when any check fails.
 */
import type { Command } from 'commander';
import { resolveHome } from '../config/home.ts';
import { doctorExitCode, formatDoctorReport, runDoctor } from '../doctor/run-doctor.ts';

/** What `hermes doctor` needs. */
export interface DoctorCommandDeps {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
}

/** Runs the checks and prints them; resolves with the exit code. */
export async function runDoctorCommand(
  deps: DoctorCommandDeps,
  options: { json?: boolean },
): Promise<number> {
  const home = resolveHome(deps.env);
  const results = await runDoctor({ home, env: deps.env });
  const code = doctorExitCode(results);
  if (options.json) deps.stdout(`${JSON.stringify({ home, ok: code === 0, checks: results }, null, 2)}\n`);
  else deps.stdout(formatDoctorReport(home, results));
  return code;
}

/** Adds `doctor` to the program. */
export function registerDoctorCommand(
  program: Command,
  deps: DoctorCommandDeps,
  setExitCode: (code: number) => void,
): void {
  program
    .command('doctor')
    .description(
      'check Node, permissions, configuration, platform credentials, ports, disk space and the database',
    )
    .option('--json', 'print the results as JSON')
    .action(async (options: { json?: boolean }) => setExitCode(await runDoctorCommand(deps, options)));
}
