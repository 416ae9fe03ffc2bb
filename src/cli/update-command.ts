/**
 * `hermes update [--check]`: the running and newest version; without `--check`
 * it also updates the install (as `/update confirm` does from a chat).
 */
import type { Command } from 'commander';
import { resolveHome } from '../config/home.ts';
import { loadConfig } from '../config/load-config.ts';
import { applyUpdate, checkForUpdate } from '../update/apply-update.ts';
import { type UpdateDeps, updateDeps } from '../update/update-deps.ts';

/** What `hermes update` needs. */
export interface UpdateCommandDeps {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Replaces the install folder, process seam, registry or restart (tests). */
  update?: Partial<UpdateDeps>;
}

/** `update.registry` from config.yaml; an unreadable config must not block an update, so it is ignored then. */
function configuredRegistry(env: NodeJS.ProcessEnv): string | undefined {
  try {
    return loadConfig({ home: resolveHome(env), env }).update?.registry;
  } catch {
    return undefined;
  }
}

/** Checks (and unless `check`, applies) an update; resolves with the exit code (1 when refused or failed). */
export async function runUpdateCommand(opts: { check: boolean }, deps: UpdateCommandDeps): Promise<number> {
  const update = updateDeps(deps.env, configuredRegistry(deps.env), deps.update);
  const outcome = opts.check ? await checkForUpdate(update) : await applyUpdate(update);
  (outcome.ok ? deps.stdout : deps.stderr)(`${outcome.lines.join('\n')}\n`);
  return outcome.ok ? 0 : 1;
}

/** Adds `hermes update [--check]`. */
export function registerUpdateCommand(
  program: Command,
  deps: UpdateCommandDeps,
  setExitCode: (code: number) => void,
): void {
  program
    .command('update')
    .description('update the gateway to the newest version (git checkout or npm install) and restart it')
    .option('--check', 'only show the running and the newest version')
    .action(async (opts: { check?: boolean }) =>
      setExitCode(await runUpdateCommand({ check: opts.check === true }, deps)),
    );
}
