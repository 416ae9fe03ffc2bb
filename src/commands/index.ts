/**
 * The command registry and the built-in commands.
 */
import { backgroundCommand } from './builtin/background.ts';
import { compressCommand } from './builtin/compress.ts';
import { helpCommand } from './builtin/help.ts';
import { insightsCommand } from './builtin/insights.ts';
import { modelCommand } from './builtin/model.ts';
import { personalityCommand } from './builtin/personality.ts';
import { platformCommand } from './builtin/platform.ts';
import { reasoningCommand } from './builtin/reasoning.ts';
import { reloadMcpCommand } from './builtin/reload-mcp.ts';
import { rollbackCommand } from './builtin/rollback.ts';
import { SESSION_COMMANDS } from './builtin/session-commands.ts';
import { sethomeCommand } from './builtin/sethome.ts';
import { updateCommand } from './builtin/update.ts';
import { verboseCommand } from './builtin/verbose.ts';
import { voiceCommand } from './builtin/voice.ts';
import { whoamiCommand } from './builtin/whoami.ts';
import { type CommandDefinition, CommandRegistry, type SkillSource } from './registry.ts';

export * from './home-channel.ts';
export * from './model-choice.ts';
export * from './registry.ts';
export type {
  BackgroundTaskStarted,
  CommandServices,
  ConversationSummary,
  McpControl,
  PlatformControl,
} from './services.ts';

/** The commands about access, settings, operation and information: /sethome, /model, /personality, /reasoning, /insights, /platform. */
export const SETTINGS_COMMANDS: readonly CommandDefinition[] = [
  sethomeCommand,
  modelCommand,
  personalityCommand,
  reasoningCommand,
  insightsCommand,
  platformCommand,
  backgroundCommand,
  verboseCommand,
  voiceCommand,
  reloadMcpCommand,
  compressCommand,
  rollbackCommand,
  updateCommand,
];

/**
 * A registry with every built-in command.
 *
 * @example
 * const registry = createBuiltinRegistry();
 * registry.register(myCommand); // added later, still behind the same gate
 */
export function createBuiltinRegistry(skills?: SkillSource): CommandRegistry {
  const registry = new CommandRegistry(skills);
  for (const command of [helpCommand, whoamiCommand, ...SESSION_COMMANDS, ...SETTINGS_COMMANDS]) {
    registry.register(command);
  }
  return registry;
}
