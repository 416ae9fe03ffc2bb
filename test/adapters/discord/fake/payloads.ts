/**
 * Payloads of the fake Discord, typed with discord-api-types so the compiler
 * checks they have the shape Discord sends: users, the guild with its text
 * channel and thread (GUILD_CREATE), the DM channel, READY, and messages.
 */
import {
  type APIAttachment,
  type APIDMChannel,
  type APIGuildMember,
  type APIGuildVoiceChannel,
  type APIMessage,
  type APIMessageReference,
  type APITextChannel,
  type APIThreadChannel,
  type APIUser,
  type ApplicationFlags,
  ChannelType,
  type GatewayGuildCreateDispatchData,
  type GatewayReadyDispatchData,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  type GuildMemberFlags,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  Locale,
  MessageType,
  type RoleFlags,
  ThreadAutoArchiveDuration,
} from 'discord-api-types/v10';

const DISCORD_EPOCH = 1420070400000n;
let counter = 0n;

/** A fresh snowflake id (timestamp based, increasing). */
export function snowflake(): string {
  counter += 1n;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) + (counter % 4096n)).toString();
}

/** A user account. */
export function user(id: string, username: string, bot = false): APIUser {
  return {
    id,
    username,
    global_name: bot ? null : username[0]?.toUpperCase() + username.slice(1),
    discriminator: '0',
    avatar: null,
    ...(bot ? { bot: true } : {}),
  };
}

/** Everything the fake knows about its one guild. */
export interface World {
  bot: APIUser;
  human: APIUser;
  otherBot: APIUser;
  guildId: string;
  textChannel: APITextChannel;
  /** A voice channel of the guild. */
  voiceChannel: APIGuildVoiceChannel;
  thread: APIThreadChannel;
  dmChannel: APIDMChannel;
}

/** Builds the fake's users, guild, channel, thread and DM channel. */
export function createWorld(): World {
  const bot = user(snowflake(), 'hermes', true);
  const human = user(snowflake(), 'alice');
  const otherBot = user(snowflake(), 'otherbot', true);
  const guildId = snowflake();
  const textChannel: APITextChannel = {
    id: snowflake(),
    type: ChannelType.GuildText,
    guild_id: guildId,
    name: 'general',
    position: 0,
    permission_overwrites: [],
    parent_id: null,
    nsfw: false,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
  };
  const voiceChannel: APIGuildVoiceChannel = {
    id: snowflake(),
    type: ChannelType.GuildVoice,
    guild_id: guildId,
    name: 'Lounge',
    position: 1,
    permission_overwrites: [],
    parent_id: null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    bitrate: 64000,
    user_limit: 0,
    rtc_region: null,
  };
  const thread: APIThreadChannel = {
    id: snowflake(),
    type: ChannelType.PublicThread,
    guild_id: guildId,
    name: 'a question',
    parent_id: textChannel.id,
    owner_id: human.id,
    last_message_id: null,
    rate_limit_per_user: 0,
    message_count: 0,
    member_count: 2,
    total_message_sent: 0,
    applied_tags: [],
    thread_metadata: {
      archived: false,
      auto_archive_duration: ThreadAutoArchiveDuration.OneDay,
      archive_timestamp: new Date().toISOString(),
      locked: false,
    },
  };
  const dmChannel: APIDMChannel = {
    id: snowflake(),
    type: ChannelType.DM,
    recipients: [human],
    last_message_id: null,
    name: null,
  };
  return { bot, human, otherBot, guildId, textChannel, voiceChannel, thread, dmChannel };
}

/** The READY dispatch for a new session. */
export function ready(world: World, sessionId: string, gatewayUrl: string): GatewayReadyDispatchData {
  return {
    v: 10,
    user: world.bot,
    guilds: [{ id: world.guildId, unavailable: true }],
    session_id: sessionId,
    resume_gateway_url: gatewayUrl,
    shard: [0, 1],
    application: { id: world.bot.id, flags: 0 as ApplicationFlags, flags_new: '0' },
  };
}

function member(u: APIUser): APIGuildMember {
  return {
    user: u,
    roles: [],
    joined_at: new Date(0).toISOString(),
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
  };
}

/** The GUILD_CREATE dispatch that follows READY, with the channel, the thread and the members. */
export function guildCreate(world: World): GatewayGuildCreateDispatchData {
  return {
    id: world.guildId,
    name: 'Test Guild',
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: world.human.id,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.None,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: [
      {
        id: world.guildId,
        name: '@everyone',
        color: 0,
        colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
        hoist: false,
        position: 0,
        permissions: '3072',
        managed: false,
        mentionable: false,
        flags: 0 as RoleFlags,
      },
    ],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
    rules_channel_id: null,
    vanity_url_code: null,
    premium_tier: GuildPremiumTier.None,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    joined_at: new Date().toISOString(),
    large: false,
    member_count: 2,
    voice_states: [],
    members: [member(world.bot), member(world.human)],
    channels: [world.textChannel, world.voiceChannel],
    threads: [world.thread],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** What a new message is made of. */
export interface MessageSpec {
  channelId: string;
  author: APIUser;
  content: string;
  attachments?: APIAttachment[];
  /** The message this one replies to. */
  referenced?: APIMessage;
}

/** A message as the REST API and the gateway show it. */
export function message(spec: MessageSpec, everyone: readonly APIUser[]): APIMessage {
  const mentioned = [...spec.content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]);
  const reference: APIMessageReference | undefined = spec.referenced
    ? { message_id: spec.referenced.id, channel_id: spec.referenced.channel_id }
    : undefined;
  return {
    id: snowflake(),
    channel_id: spec.channelId,
    author: spec.author,
    content: spec.content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: everyone.filter((u) => mentioned.includes(u.id)),
    mention_roles: [],
    attachments: spec.attachments ?? [],
    embeds: [],
    pinned: false,
    type: reference ? MessageType.Reply : MessageType.Default,
    ...(reference ? { message_reference: reference, referenced_message: spec.referenced } : {}),
  };
}
