/**
 * /help and /whoami: always allowed, whatever the tier.
 */
import type { CommandDefinition } from '../registry.ts';

/** /help: the commands the caller may run here. */
export const helpCommand: CommandDefinition = {
  name: 'help',
  description: 'List the commands you can run here',
  busyAllowed: true,
  async handler(ctx) {
    const lines = ctx.allowed().map((c) => {
      const aliases = c.aliases?.length ? ` (${c.aliases.map((a) => `/${a}`).join(', ')})` : '';
      return `/${c.name}${c.argsHint ? ` ${c.argsHint}` : ''}${aliases} — ${c.description}`;
    });
    return { text: `Commands:\n${lines.join('\n')}` };
  },
};

/** /whoami: scope, tier and runnable commands. */
export const whoamiCommand: CommandDefinition = {
  name: 'whoami',
  description: 'Your command permissions here',
  busyAllowed: true,
  async handler(ctx) {
    const who = ctx.message.userName ? `${ctx.message.userName} (${ctx.message.userId})` : ctx.message.userId;
    const runnable = ctx
      .allowed()
      .map((c) => `/${c.name}`)
      .join(', ');
    return {
      text: `You: ${who} on ${ctx.message.platform}\nScope: ${ctx.scope === 'dm' ? 'direct message' : 'group'}\nTier: ${ctx.tier}\nYou can run: ${runnable}`,
    };
  },
};
