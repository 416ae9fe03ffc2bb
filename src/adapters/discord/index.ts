/**
 * The Discord adapter (discord.js: gateway websocket in, REST out).
 */
export {
  DISCORD_EDIT_INTERVAL_MS,
  DISCORD_MAX_MESSAGE_LENGTH,
  DiscordAdapter,
  type DiscordOptions,
  DiscordWire,
} from './discord-adapter.ts';
export { DISCORD_INTENTS } from './discord-client.ts';
export { classifyDiscordError, closeCodeError, DISCORD_PLATFORM, toAdapterError } from './discord-errors.ts';
export { discordPlatform } from './discord-platform.ts';
export { type InboundDecision, stripMention, toInboundMessage } from './inbound-message.ts';
export {
  createRateLimitFilter,
  DEFAULT_RATE_LIMIT_POLICY,
  type RateLimitPolicyOptions,
} from './rate-limit-policy.ts';
