/**
 * /whoami: who the caller is here, the scope, their tier and what they may run.
 * Always allowed.
 */
import { TIER_KEYS } from '../../access/tiers.ts';
import type { CommandContext, CommandDefinition } from '../registry.ts';

/** What the tier means, in the words /whoami uses. */
function tierLine(ctx: CommandContext): string {
  const keys = TIER_KEYS[ctx.scope];
  switch (ctx.tier) {
    case 'admin':
      return `Tier: admin — every command (you are in ${keys.admins})`;
    case 'user':
      return `Tier: user — the commands ${keys.commands} lists, plus /help and /whoami`;
    case 'unrestricted':
      return `Tier: unrestricted — every command (no ${keys.admins} list here, so tiers are off)`;
  }
}

/** /whoami: scope, tier (admin / user / unrestricted) and runnable commands. */
export const whoamiCommand: CommandDefinition = {
  name: 'whoami',
  description: 'Your command permissions here',
  busyAllowed: true,
  async handler(ctx) {
    const { message } = ctx;
    const who = message.userName ? `${message.userName} (${message.userId})` : message.userId;
    const runnable = ctx
      .allowed()
      .map((c) => `/${c.name}`)
      .join(', ');
    return {
      text: [
        `You: ${who} on ${message.platform}`,
        `Scope: ${ctx.scope === 'dm' ? 'direct message' : 'group, channel or thread'}`,
        tierLine(ctx),
        `You can run: ${runnable}`,
      ].join('\n'),
    };
  },
};
