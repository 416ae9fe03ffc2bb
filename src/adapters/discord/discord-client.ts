/**
 * The discord.js client the adapter runs on: the gateway intents it needs
 * (guild and DM messages with their content and reactions, voice states), the Channel
 * partial so DMs arrive without a cached channel, mentions limited to users,
 * and the REST settings (base URL and the rate-limit filter).
 */
import { Client, GatewayIntentBits, Partials, type RateLimitData } from 'discord.js';

/** The gateway intents of the bot. Message Content is privileged: it must be turned on in the portal. */
export const DISCORD_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.DirectMessages,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.GuildMessageReactions,
  GatewayIntentBits.DirectMessageReactions,
  GatewayIntentBits.GuildVoiceStates,
] as const;

/** What the client is built from. */
export interface DiscordClientOptions {
  /** REST base without the version (`https://discord.com/api` by default). */
  restApi?: string;
  /** Decides whether a rate-limited request fails at once instead of waiting. */
  rejectOnRateLimit: (data: RateLimitData) => boolean;
}

/**
 * Creates an unconnected client; `client.login(token)` connects it. The
 * gateway URL comes from `GET /gateway/bot` of the REST base.
 *
 * @example
 * const client = createDiscordClient({ rejectOnRateLimit: () => false });
 * await client.login(process.env.DISCORD_BOT_TOKEN);
 */
export function createDiscordClient(options: DiscordClientOptions): Client {
  return new Client({
    intents: [...DISCORD_INTENTS],
    partials: [Partials.Channel],
    allowedMentions: { parse: ['users'], repliedUser: false },
    rest: {
      ...(options.restApi ? { api: options.restApi } : {}),
      rejectOnRateLimit: options.rejectOnRateLimit,
    },
  });
}
