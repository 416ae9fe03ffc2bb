/**
 * /personality [name]: show the chat's personality and the configured ones, or
 * choose one from `personalities` in config.yaml (`none` clears it).
 */
import { NO_PERSONALITY } from '../../config/schema.ts';
import type { CommandContext, CommandDefinition, CommandReply } from '../registry.ts';

const NO_PERSONALITIES =
  'No personalities are configured: add them under personalities in config.yaml (name: system prompt).';

/** The configured name the user means, exactly or else ignoring case. */
function findPersonality(names: readonly string[], wanted: string): string | undefined {
  return names.includes(wanted) ? wanted : names.find((n) => n.toLowerCase() === wanted.toLowerCase());
}

async function showPersonality(ctx: CommandContext, names: string[]): Promise<CommandReply> {
  const current = (await ctx.services.session())?.context.settings.personality ?? null;
  const first =
    current === null
      ? 'Personality: none'
      : `Personality: ${current}${names.includes(current) ? '' : ' — no longer in config.yaml'}`;
  if (names.length === 0) return { text: `${first}\n${NO_PERSONALITIES}` };
  return {
    text: `${first}\nAvailable: ${names.join(', ')}\n/personality <name> chooses one; /personality ${NO_PERSONALITY} clears it.`,
  };
}

/** /personality: show or choose this chat's personality. */
export const personalityCommand: CommandDefinition = {
  name: 'personality',
  argsHint: '[name|none]',
  description: "Show or choose this chat's personality",
  busyAllowed: true,
  async handler(ctx) {
    const names = Object.keys(ctx.services.config.personalities);
    if (!ctx.args) return showPersonality(ctx, names);
    if (ctx.args.toLowerCase() === NO_PERSONALITY) {
      await ctx.services.send({ type: 'SETTINGS', patch: { personality: null } });
      return { text: '🎭 Personality cleared for this chat.' };
    }
    if (names.length === 0) return { text: NO_PERSONALITIES };
    const name = findPersonality(names, ctx.args);
    if (name === undefined) {
      return {
        text: `❓ Unknown personality “${ctx.args}”. Choose one of: ${names.join(', ')} — or ${NO_PERSONALITY} to clear it.`,
      };
    }
    await ctx.services.send({ type: 'SETTINGS', patch: { personality: name } });
    return { text: `🎭 Personality for this chat: ${name}. It applies from your next message.` };
  },
};
