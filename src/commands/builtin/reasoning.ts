/**
 * /reasoning [level|show|hide]: the chat's reasoning effort (none, low, medium,
 * high, or default) and whether the model's reasoning is shown in the chat.
 */
import type { CommandContext, CommandDefinition, CommandReply } from '../registry.ts';

/** The reasoning efforts `/reasoning` accepts. */
export const REASONING_LEVELS = ['none', 'low', 'medium', 'high'] as const;

const USAGE = `Usage: /reasoning [${REASONING_LEVELS.join('|')}|default|show|hide]`;

async function showReasoning(ctx: CommandContext): Promise<CommandReply> {
  const settings = (await ctx.services.session())?.context.settings;
  const level = settings?.reasoning ?? null;
  return {
    text: [
      `Reasoning effort: ${level ?? 'default'}`,
      `Reasoning display: ${settings?.showReasoning ? 'shown' : 'hidden'}`,
      `/reasoning ${REASONING_LEVELS.join('|')}|default sets the effort; /reasoning show|hide shows or hides it.`,
    ].join('\n'),
  };
}

/** /reasoning: show or set the reasoning effort and its display. */
export const reasoningCommand: CommandDefinition = {
  name: 'reasoning',
  argsHint: '[level|show|hide]',
  description: 'Show or set the reasoning effort, or show/hide the reasoning',
  busyAllowed: true,
  async handler(ctx) {
    const word = ctx.args.toLowerCase();
    if (!word) return showReasoning(ctx);
    if (word === 'show' || word === 'hide') {
      await ctx.services.send({ type: 'SETTINGS', patch: { showReasoning: word === 'show' } });
      return {
        text: `🧠 The model's reasoning will be ${word === 'show' ? 'shown' : 'hidden'} in this chat.`,
      };
    }
    if (word === 'default') {
      await ctx.services.send({ type: 'SETTINGS', patch: { reasoning: null } });
      return { text: '🧠 Reasoning effort: default. It applies from your next message.' };
    }
    if ((REASONING_LEVELS as readonly string[]).includes(word)) {
      await ctx.services.send({ type: 'SETTINGS', patch: { reasoning: word } });
      return { text: `🧠 Reasoning effort: ${word}. It applies from your next message.` };
    }
    return { text: `❓ “${ctx.args}” is not a reasoning setting. ${USAGE}` };
  },
};
