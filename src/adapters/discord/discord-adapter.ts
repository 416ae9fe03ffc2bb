/**
 * The Discord adapter: a discord.js client on the gateway websocket (messages
 * in) and REST (replies, edits, reactions, typing out). DMs, guild text
 * channels and threads are normalised to dm / group / thread; the kit splits
 * replies at Discord's 2000 characters and streams them by editing one message.
 * discord.js reconnects and resumes a dropped websocket by itself; every drop
 * is reported to the circuit breaker as a retryable error and a successful
 * resume as healthy again.
 */
import { type Client, Events, type Message, type SendableChannels } from 'discord.js';
import { AdapterError, GatewayError } from '../../errors.ts';
import type { Attachment, ChatRef, MessageRef, VoiceChannelControl } from '../contract.ts';
import {
  downloadAttachment,
  type Failure,
  failureError,
  KitAdapter,
  type PlatformWire,
  type WireContext,
} from '../kit/index.ts';
import { createDiscordClient } from './discord-client.ts';
import { classifyDiscordError, closeCodeError, DISCORD_PLATFORM } from './discord-errors.ts';
import { toInboundMessage } from './inbound-message.ts';
import { MAX_FILES_PER_MESSAGE, toFileGroups } from './outbound-files.ts';
import { RateLimitGate } from './rate-limit-gate.ts';
import {
  createRateLimitFilter,
  DEFAULT_RATE_LIMIT_POLICY,
  type RateLimitPolicyOptions,
} from './rate-limit-policy.ts';
import { DiscordVoiceChannels, type VoiceChannelOptions } from './voice-channel/voice-channels.ts';

/** Discord's longest message, in characters. */
export const DISCORD_MAX_MESSAGE_LENGTH = 2000;

/** Fewest milliseconds between two edits of a streamed message. */
export const DISCORD_EDIT_INTERVAL_MS = 1000;

/** Options of the Discord adapter. */
export interface DiscordOptions {
  /** The bot token (`DISCORD_BOT_TOKEN`). */
  token: string;
  /** REST base without the version; the gateway URL comes from its `GET /gateway/bot`. Default Discord's. */
  restApi?: string;
  /** In guild channels and threads, answer only when mentioned or replied to. Default true. */
  requireMention?: boolean;
  /** When a rate-limited send gives up waiting and fails as retryable. Default: waits up to 5 s, 3 a minute. */
  rateLimit?: Partial<RateLimitPolicyOptions>;
  /** Voice channels (`/voice join`): silence that ends an utterance, join timeout. */
  voiceChannels?: VoiceChannelOptions;
}

/** Everything that lives from `connect` to `disconnect`. */
interface Link {
  client: Client<true>;
  ctx: WireContext;
  /** Set once connected: only then are connection events reported. */
  live: boolean;
  stopping: boolean;
  voice: DiscordVoiceChannels;
}

/** Discord's wire: the discord.js websocket in, REST out. */
export class DiscordWire implements PlatformWire {
  readonly name = DISCORD_PLATFORM;
  readonly title = 'Discord';
  readonly limits = {
    maxMessageLength: DISCORD_MAX_MESSAGE_LENGTH,
    maxCaptionLength: DISCORD_MAX_MESSAGE_LENGTH,
    maxFilesPerMessage: MAX_FILES_PER_MESSAGE,
  };
  readonly declares = { voice: true, images: true, threads: true };
  readonly editIntervalMs = DISCORD_EDIT_INTERVAL_MS;
  readonly #options: DiscordOptions;
  readonly #rateLimits = new RateLimitGate();
  #link: Link | undefined;

  /** `/voice join|leave`: the voice channels of the connected client. */
  readonly voiceChannels: VoiceChannelControl = {
    join: (chatId, userId) => this.#voice().join(chatId, userId),
    leave: (chatId) => this.#voice().leave(chatId),
  };

  constructor(options: DiscordOptions) {
    if (options.token.trim() === '') {
      throw new GatewayError('GATEWAY_ERR_OPTION', 'discord.token: the bot token is empty', {
        option: 'token',
      });
    }
    this.#options = options;
  }

  classify(error: unknown): Failure {
    return classifyDiscordError(error);
  }

  /** Connects to the gateway; resolves once the client is ready (guilds received). */
  async connect(ctx: WireContext): Promise<void> {
    const client = createDiscordClient({
      ...(this.#options.restApi ? { restApi: this.#options.restApi } : {}),
      rejectOnRateLimit: createRateLimitFilter({ ...DEFAULT_RATE_LIMIT_POLICY, ...this.#options.rateLimit }),
    });
    const link: Link = {
      client: client as Client<true>,
      ctx,
      live: false,
      stopping: false,
      voice: new DiscordVoiceChannels(
        { client: client as Client<true>, ingest: (message) => ctx.ingest(message), log: ctx.log },
        this.#options.voiceChannels,
      ),
    };
    this.#listen(link);
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    try {
      await client.login(this.#options.token);
      await ready;
    } catch (error) {
      await client.destroy().catch(() => {});
      throw error;
    }
    this.#link = link;
    link.live = true;
    ctx.log.info({ botId: client.user?.id, guilds: client.guilds.cache.size }, 'discord: connected');
  }

  async disconnect(): Promise<void> {
    const link = this.#link;
    this.#link = undefined;
    if (!link) return;
    link.stopping = true;
    link.voice.closeAll();
    await link.client.destroy().finally(() => link.client.removeAllListeners());
  }

  async sendText(chat: ChatRef, text: string, { replyTo }: { replyTo?: string }): Promise<string> {
    return this.#on(
      chat,
      'send a message',
      async (channel) => (await channel.send({ content: text, ...replyOption(replyTo) })).id,
    );
  }

  async sendFiles(
    chat: ChatRef,
    files: Attachment[],
    options: { caption?: string; replyTo?: string },
  ): Promise<string | undefined> {
    const [group] = toFileGroups(files);
    if (!group) return undefined;
    const id = await this.#on(chat, 'send files', async (channel) => {
      const sent = await channel.send({
        files: group,
        ...(options.caption ? { content: options.caption } : {}),
        ...replyOption(options.replyTo),
      });
      return sent.id;
    });
    // a spoken reply is also played in the voice channel joined from this chat
    if (!chat.threadId) void this.#link?.voice.speak(chat.chatId, files);
    return id;
  }

  async edit(ref: MessageRef, text: string): Promise<void> {
    await this.#on(ref, 'edit a message', (channel) =>
      channel.messages.edit(ref.messageId, { content: text }),
    );
  }

  async delete(ref: MessageRef): Promise<void> {
    await this.#on(ref, 'delete a message', (channel) => channel.messages.delete(ref.messageId));
  }

  async react(ref: MessageRef, emoji: string): Promise<void> {
    await this.#on(ref, 'add a reaction', (channel) => channel.messages.react(ref.messageId, emoji));
  }

  async typing(chat: ChatRef): Promise<void> {
    await this.#on(chat, 'show typing', (channel) => channel.sendTyping());
  }

  /** Downloads an attachment from Discord's CDN (CDN links need no token). */
  async fetchAttachment(attachment: Attachment): Promise<Uint8Array> {
    if (attachment.dataBase64 !== undefined) return Buffer.from(attachment.dataBase64, 'base64');
    if (!attachment.url) {
      throw new AdapterError(DISCORD_PLATFORM, 'the attachment has no URL', {
        retryable: false,
        reason: 'no_url',
      });
    }
    return downloadAttachment(attachment.url);
  }

  #voice(): DiscordVoiceChannels {
    const link = this.#link;
    if (!link || link.stopping) {
      throw new AdapterError(DISCORD_PLATFORM, 'cannot use voice channels: not connected', {
        retryable: true,
        reason: 'not_connected',
      });
    }
    return link.voice;
  }

  /**
   * Runs `work` on the channel a reply goes to (the thread when there is one, else the
   * chat), failing fast while a rate limit on it lasts.
   */
  async #on<T>(chat: ChatRef, action: string, work: (channel: SendableChannels) => Promise<T>): Promise<T> {
    const link = this.#link;
    if (!link || link.stopping) {
      throw new AdapterError(DISCORD_PLATFORM, `cannot ${action}: not connected`, {
        retryable: true,
        reason: 'not_connected',
      });
    }
    const id = chat.threadId ?? chat.chatId;
    this.#rateLimits.check(id);
    try {
      const channel = await link.client.channels.fetch(id);
      if (!channel?.isSendable()) {
        throw new AdapterError(DISCORD_PLATFORM, `cannot ${action}: channel ${id} takes no messages`, {
          retryable: false,
          reason: 'not_sendable',
        });
      }
      return await work(channel);
    } catch (error) {
      this.#rateLimits.note(error, id);
      throw error;
    }
  }

  #listen(link: Link): void {
    const { client, ctx } = link;
    const quiet = () => !link.live || link.stopping;
    const drop = (code: string, message: string, cause?: unknown) => {
      if (quiet()) return;
      ctx.log.warn({ err: message }, `discord: ${message}`);
      ctx.reportError(
        failureError(DISCORD_PLATFORM, { reason: 'connection_lost', code, message }, 'gateway', cause),
      );
    };
    client.on(Events.MessageCreate, (message) => {
      if (!link.stopping) void this.#onMessage(link, message);
    });
    client.on(Events.ShardReconnecting, (shardId) =>
      drop('disconnected', `gateway connection of shard ${shardId} dropped; discord.js reconnects`),
    );
    client.on(Events.ShardError, (error, shardId) =>
      drop('websocket_error', `gateway error on shard ${shardId}: ${error.message}`, error),
    );
    client.on(Events.Error, (error) => {
      if (quiet()) return;
      ctx.log.warn({ err: error }, 'discord: client error');
      ctx.reportError(error);
    });
    const healthy = (shardId: number, what: string) => {
      if (quiet()) return;
      ctx.log.info({ shardId }, `discord: gateway session ${what}`);
      ctx.reportHealthy();
    };
    client.on(Events.ShardResume, (shardId) => healthy(shardId, 'resumed'));
    client.on(Events.ShardReady, (shardId) => healthy(shardId, 'ready'));
    client.on(Events.ShardDisconnect, (event) => {
      if (quiet()) return;
      const error = closeCodeError(event.code);
      ctx.log.warn({ err: error }, 'discord: gateway closed for good');
      ctx.fail(error);
    });
  }

  async #onMessage(link: Link, message: Message): Promise<void> {
    const { ctx, client } = link;
    const decision = toInboundMessage(message, {
      botId: client.user.id,
      requireMention: this.#options.requireMention ?? true,
    });
    if (decision.kind === 'skip') {
      if (decision.reason !== 'self') {
        ctx.log.debug({ messageId: message.id, reason: decision.reason }, 'discord: message skipped');
      }
      return;
    }
    try {
      await ctx.ingest(decision.message);
    } catch (error) {
      ctx.log.error({ err: error, messageId: message.id }, 'discord: could not accept a message');
    }
  }
}

/**
 * The Discord adapter.
 *
 * @example
 * const discord = new DiscordAdapter({ token: process.env.DISCORD_BOT_TOKEN! });
 * const gateway = createGateway({ store, agent, adapters: [discord] });
 * await gateway.start();
 */
export class DiscordAdapter extends KitAdapter<DiscordWire> {
  // the primitives Discord's wire has, so callers need no optional call
  declare readonly edit: (ref: MessageRef, text: string) => Promise<void>;
  declare readonly delete: (ref: MessageRef) => Promise<void>;
  declare readonly react: (ref: MessageRef, emoji: string) => Promise<void>;
  declare readonly sendTyping: (chat: ChatRef) => Promise<void>;
  declare readonly fetchAttachment: (attachment: Attachment) => Promise<Uint8Array>;
  /** `/voice join|leave`. */
  readonly voiceChannels: VoiceChannelControl;

  constructor(options: DiscordOptions) {
    super(new DiscordWire(options));
    this.voiceChannels = this.wire.voiceChannels;
  }
}

function replyOption(replyTo: string | undefined) {
  return replyTo ? { reply: { messageReference: replyTo, failIfNotExists: false } } : {};
}
