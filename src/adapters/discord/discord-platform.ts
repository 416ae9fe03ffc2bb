/**
 * How `hermes gateway` configures Discord: `DISCORD_BOT_TOKEN` turns it on;
 * `require_mention` (in `gateway.platforms.discord.extra`, or the
 * `DISCORD_REQUIRE_MENTION` variable, which wins) says whether the bot
 * answers in guild channels and threads only when mentioned.
 */
import type { ConfigIssue } from '../../errors.ts';
import type { PlatformDefinition, PlatformOptionsResult, PlatformSource } from '../platform-definition.ts';
import { DiscordAdapter, type DiscordOptions } from './discord-adapter.ts';
import { DISCORD_PLATFORM } from './discord-errors.ts';

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);
const EXTRA_REQUIRE_MENTION = 'gateway.platforms.discord.extra.require_mention';

/**
 * The Discord platform.
 *
 * @example
 * const result = discordPlatform.read({ env: process.env, extra: {}, home });
 * if (result.configured && 'options' in result) adapters.push(discordPlatform.create(result.options));
 */
export const discordPlatform: PlatformDefinition<DiscordOptions> = {
  name: DISCORD_PLATFORM,
  title: 'Discord',
  variables: [
    {
      name: 'DISCORD_BOT_TOKEN',
      description: 'Bot token from the Discord Developer Portal (your application → Bot → Reset Token)',
      secret: true,
      required: true,
    },
    {
      name: 'DISCORD_ALLOWED_USERS',
      description:
        'Comma-separated Discord user ids allowed to talk to the bot (Developer Mode → Copy User ID)',
    },
    {
      name: 'DISCORD_REQUIRE_MENTION',
      description:
        'true (default): in servers, answer only when mentioned or replied to; false: answer every message',
    },
  ],
  read: readDiscordOptions,
  create: (options) => new DiscordAdapter(options),
};

function readDiscordOptions({ env, extra }: PlatformSource): PlatformOptionsResult<DiscordOptions> {
  const token = env.DISCORD_BOT_TOKEN?.trim().replace(/^Bot\s+/i, '');
  if (!token) return { configured: false };
  const issues: ConfigIssue[] = [];
  if (/\s/.test(token)) {
    issues.push({
      path: 'DISCORD_BOT_TOKEN',
      message: 'the token contains spaces',
      fix: 'paste the token exactly as the Developer Portal shows it (Bot → Reset Token)',
    });
  }
  const fromEnv = env.DISCORD_REQUIRE_MENTION?.trim();
  let requireMention = true;
  if (fromEnv !== undefined && fromEnv !== '') {
    const value = parseBoolean(fromEnv);
    if (value === undefined) issues.push(booleanIssue('DISCORD_REQUIRE_MENTION', fromEnv));
    else requireMention = value;
  } else if (extra.require_mention !== undefined) {
    const value = parseBoolean(extra.require_mention);
    if (value === undefined) issues.push(booleanIssue(EXTRA_REQUIRE_MENTION, String(extra.require_mention)));
    else requireMention = value;
  }
  if (issues.length > 0) return { configured: true, issues };
  return { configured: true, options: { token, requireMention } };
}

function parseBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  return TRUE.has(text) ? true : FALSE.has(text) ? false : undefined;
}

function booleanIssue(path: string, value: string): ConfigIssue {
  return { path, message: `expected true or false, got "${value}"`, fix: `set ${path} to true or false` };
}
