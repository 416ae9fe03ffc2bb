/**
 * How `hermes gateway` configures Discord: `DISCORD_BOT_TOKEN` turns it on;
 * `require_mention` (in `gateway.platforms.discord.extra`, or the
 * `DISCORD_REQUIRE_MENTION` variable, which wins) says whether the bot
 * answers in guild channels and threads only when mentioned.
 */
import { z } from 'zod';
import { booleanSetting, definePlatform, fromEnv, fromExtra } from '../kit/index.ts';
import { DiscordAdapter, type DiscordOptions } from './discord-adapter.ts';
import { DISCORD_PLATFORM } from './discord-errors.ts';

const requireMentionFix =
  'true (default): in servers, answer only when mentioned or replied to; false: answer every message';

/** Discord's settings: each from one variable or `extra` key, each with its fix. */
const fields = {
  token: fromEnv(
    'DISCORD_BOT_TOKEN',
    z
      .string()
      .transform((token) => token.replace(/^Bot\s+/i, ''))
      .refine((token) => !/\s/.test(token), { error: 'the token contains spaces' }),
    {
      description: 'Bot token from the Discord Developer Portal (your application → Bot → Reset Token)',
      secret: true,
      required: true,
      fix: 'paste the token exactly as the Developer Portal shows it (Bot → Reset Token)',
    },
  ),
  requireMentionEnv: fromEnv('DISCORD_REQUIRE_MENTION', booleanSetting, {
    description: requireMentionFix,
    fix: 'set DISCORD_REQUIRE_MENTION to true or false',
  }),
  requireMention: fromExtra('require_mention', booleanSetting, {
    fix: 'set gateway.platforms.discord.extra.require_mention to true or false',
  }),
};

/** The Discord platform for `hermes gateway`. */
export const discordPlatform = definePlatform({
  name: DISCORD_PLATFORM,
  title: 'Discord',
  fields,
  moreVariables: [
    {
      name: 'DISCORD_ALLOWED_USERS',
      description:
        'Comma-separated Discord user ids allowed to talk to the bot (Developer Mode → Copy User ID)',
    },
  ],
  // the variable wins over the config file
  options: (s): DiscordOptions => ({
    token: s.token as string,
    requireMention: s.requireMentionEnv ?? s.requireMention ?? true,
  }),
  create: (options) => new DiscordAdapter(options),
});
