/**
 * The command registry and the built-in commands.
 */
import { helpCommand, whoamiCommand } from './builtin/help-commands.ts';
import { SESSION_COMMANDS } from './builtin/session-commands.ts';
import { CommandRegistry, type SkillSource } from './registry.ts';

export * from './registry.ts';
export type { CommandServices, ConversationSummary } from './services.ts';

/**
 * A registry with every built-in command.
 *
 * @example
 * const registry = createBuiltinRegistry();
 * registry.register(myCommand); // added later, still behind the same gate
 */
export function createBuiltinRegistry(skills?: SkillSource): CommandRegistry {
  const registry = new CommandRegistry(skills);
  for (const command of [helpCommand, whoamiCommand, ...SESSION_COMMANDS]) registry.register(command);
  return registry;
}
