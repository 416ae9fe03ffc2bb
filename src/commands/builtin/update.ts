/**
 * /update: the running version and the newest available; `/update confirm`
 * updates the install and restarts the gateway (admins only, through the tier gate).
 */
import { applyUpdate, checkForUpdate } from '../../update/apply-update.ts';
import { type UpdateDeps, updateDeps } from '../../update/update-deps.ts';
import type { CommandDefinition } from '../registry.ts';

/**
 * The /update command. `overrides` replace the install folder, the process seam,
 * the registry or the restart (tests); the registry defaults to `update.registry`.
 *
 * @example
 * registry.register(createUpdateCommand({ root: '/opt/hermes', restart: async () => {} }));
 */
export function createUpdateCommand(
  overrides: Partial<UpdateDeps> = {},
  env: NodeJS.ProcessEnv = process.env,
): CommandDefinition {
  return {
    name: 'update',
    description: 'Show the running and newest version; "confirm" updates and restarts',
    argsHint: '[confirm]',
    busyAllowed: true,
    async handler({ args, services }) {
      const action = args.trim().toLowerCase();
      if (action !== '' && action !== 'confirm') {
        return { text: `Unknown option "${args.trim()}". Usage: /update or /update confirm` };
      }
      const deps = updateDeps(env, services.config.update?.registry, overrides);
      if (action === '') {
        const { lines } = await checkForUpdate(deps);
        return { text: [...lines, 'Send /update confirm to update and restart.'].join('\n') };
      }
      return { text: (await applyUpdate(deps)).lines.join('\n') };
    },
  };
}

/** /update with the real install, processes and restart. */
export const updateCommand: CommandDefinition = createUpdateCommand();
