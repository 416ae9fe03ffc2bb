/**
 * /help: the commands the caller may run here, with their arguments. Always allowed.
 */
import type { CommandDefinition } from '../registry.ts';

/** One line of /help: `/name args (/alias) — description`. */
export function helpLine(
  command: Pick<CommandDefinition, 'name' | 'aliases' | 'argsHint' | 'description'>,
): string {
  const aliases = command.aliases?.length ? ` (${command.aliases.map((a) => `/${a}`).join(', ')})` : '';
  return `/${command.name}${command.argsHint ? ` ${command.argsHint}` : ''}${aliases} — ${command.description}`;
}

/**
 * /help: lists what the caller may run in this chat (admin-only commands are left out for users),
 * then the installed skills they may run as their own group.
 */
export const helpCommand: CommandDefinition = {
  name: 'help',
  description: 'List the commands you can run here',
  busyAllowed: true,
  async handler(ctx) {
    const commands = `Commands:\n${ctx.allowed().map(helpLine).join('\n')}`;
    const skills = ctx.allowedSkills?.() ?? [];
    if (skills.length === 0) return { text: commands };
    return { text: `${commands}\n\nSkills:\n${skills.map(helpLine).join('\n')}` };
  },
};
