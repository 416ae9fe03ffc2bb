/**
 * The Discord adapter: a discord.js client on the gateway websocket (messages
 * in) and REST (replies, edits, reactions, typing out). DMs, guild text
 * channels and threads are normalised to dm / group / thread; replies are
 * split at Discord's 2000 characters and streamed by editing one message.
 * discord.js reconnects and resumes a dropped websocket by itself; every drop
 * is reported to the circuit breaker as a retryable error and a successful
 * resume as healthy again.
 */
import {
  type Client,
  Events,
  type Message,
  type MessageCreateOptions,
  type SendableChannels,
} from 'discord.js';
import { AdapterError, GatewayError } from '../../errors.ts';
import {
  type Adapter,
  type AdapterCapabilities,
  type AdapterContext,
  type Attachment,
  type ChatRef,
  type MessageRef,
  NO_CAPABILITIES,
  type OutboundMessage,
  type SendResult,
} from '../contract.ts';
import { splitMessage } from '../shared/split-message.ts';
import { createDiscordClient } from './discord-client.ts';
import { closeCodeError, DISCORD_PLATFORM, toAdapterError } from './discord-errors.ts';
import { toInboundMessage } from './inbound-message.ts';
import { toFileGroups } from './outbound-files.ts';
import { RateLimitGate } from './rate-limit-gate.ts';
import {
  createRateLimitFilter,
  DEFAULT_RATE_LIMIT_POLICY,
  type RateLimitPolicyOptions,
} from './rate-limit-policy.ts';

/** Discord's longest message, in characters. */
export const DISCORD_MAX_MESSAGE_LENGTH = 2000;

/** Fewest milliseconds between two edits of a streamed message. */
export const DISCORD_EDIT_INTERVAL_MS = 1000;

/** What the Discord adapter can do (FEATURES.md §1), plus edit and delete. */
export const DISCORD_CAPABILITIES: AdapterCapabilities = {
  ...NO_CAPABILITIES,
  voice: true,
  images: true,
  files: true,
  threads: true,
  reactions: true,
  typing: true,
  streaming: true,
  edit: true,
  delete: true,
  maxMessageLength: DISCORD_MAX_MESSAGE_LENGTH,
};

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
}

/** Everything that lives from `start` to `stop`. */
interface Running {
  client: Client<true>;
  ctx: AdapterContext;
  /** Set once `start` resolved: only then are connection events reported. */
  live: boolean;
  stopping: boolean;
  stopped: Promise<void> | undefined;
  onAbort: () => void;
}

/**
 * The Discord adapter.
 *
 * @example
 * const discord = new DiscordAdapter({ token: process.env.DISCORD_BOT_TOKEN! });
 * const gateway = createGateway({ store, agent, adapters: [discord] });
 * await gateway.start();
 */
export class DiscordAdapter implements Adapter {
  readonly name = DISCORD_PLATFORM;
  readonly capabilities = DISCORD_CAPABILITIES;
  readonly #options: DiscordOptions;
  readonly #requireMention: boolean;
  /** Fewest milliseconds between two edits of one streamed message. */
  readonly editIntervalMs: number;
  readonly #failureListeners: ((error: Error) => void)[] = [];
  readonly #rateLimits = new RateLimitGate();
  #running: Running | undefined;

  constructor(options: DiscordOptions) {
    if (options.token.trim() === '') {
      throw new GatewayError('GATEWAY_ERR_OPTION', 'discord.token: the bot token is empty', {
        option: 'token',
      });
    }
    this.#options = options;
    this.#requireMention = options.requireMention ?? true;
    this.editIntervalMs = DISCORD_EDIT_INTERVAL_MS;
  }

  /** Connects to the gateway; resolves once the client is ready (guilds received). */
  async start(ctx: AdapterContext): Promise<void> {
    if (this.#running) {
      throw new GatewayError('GATEWAY_ERR_STATE', 'The Discord adapter is already running; stop it first');
    }
    const client = createDiscordClient({
      ...(this.#options.restApi ? { restApi: this.#options.restApi } : {}),
      rejectOnRateLimit: createRateLimitFilter({ ...DEFAULT_RATE_LIMIT_POLICY, ...this.#options.rateLimit }),
    });
    const running: Running = {
      client: client as Client<true>,
      ctx,
      live: false,
      stopping: false,
      stopped: undefined,
      onAbort: () => {
        this.#stopRunning(running).catch((error: unknown) =>
          ctx.log.error({ err: error }, 'discord: the client did not stop cleanly'),
        );
      },
    };
    this.#listen(running);
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    try {
      await client.login(this.#options.token);
      await ready;
    } catch (error) {
      await client.destroy().catch(() => {});
      throw toAdapterError(error, 'connect to the Discord gateway');
    }
    if (ctx.signal.aborted) {
      await client.destroy();
      throw new GatewayError('GATEWAY_ERR_STATE', 'The Discord adapter was stopped while it was starting');
    }
    this.#running = running;
    running.live = true;
    ctx.signal.addEventListener('abort', running.onAbort, { once: true });
    ctx.log.info({ botId: client.user?.id, guilds: client.guilds.cache.size }, 'discord: connected');
  }

  /** Closes the websocket and forgets streamed replies. */
  async stop(): Promise<void> {
    if (this.#running) await this.#stopRunning(this.#running);
  }

  onFailure(listener: (error: Error) => void): void {
    this.#failureListeners.push(listener);
  }

  /** Sends a reply, split at 2000 characters, with its files. */
  async send(message: OutboundMessage): Promise<SendResult> {
    const ids: string[] = [];
    const parts = message.text.trim() === '' ? [] : splitMessage(message.text, DISCORD_MAX_MESSAGE_LENGTH);
    const payloads: MessageCreateOptions[] = parts.map((content) => ({ content }));
    for (const [i, files] of toFileGroups(message.attachments).entries()) {
      const last = payloads.at(-1);
      if (i === 0 && last) last.files = files;
      else payloads.push({ files });
    }
    if (payloads.length === 0) return lastOf(ids);
    let replyTo = message.inReplyTo.at(-1);
    return this.#call(message, 'send a message', async (channel) => {
      for (const payload of payloads) {
        const sent = await channel.send({ ...payload, ...replyOption(replyTo) });
        replyTo = undefined;
        ids.push(sent.id);
      }
      return lastOf(ids);
    });
  }

  async edit(ref: MessageRef, text: string): Promise<void> {
    await this.#call(ref, 'edit a message', (channel) =>
      channel.messages.edit(ref.messageId, { content: text }),
    );
  }

  async delete(ref: MessageRef): Promise<void> {
    await this.#call(ref, 'delete a message', (channel) => channel.messages.delete(ref.messageId));
  }

  async react(ref: MessageRef, emoji: string): Promise<void> {
    await this.#call(ref, 'add a reaction', (channel) => channel.messages.react(ref.messageId, emoji));
  }

  async sendTyping(chat: ChatRef): Promise<void> {
    await this.#call(chat, 'show typing', (channel) => channel.sendTyping());
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
    let response: Response;
    try {
      response = await fetch(attachment.url);
    } catch (error) {
      throw toAdapterError(error, 'download an attachment');
    }
    if (!response.ok) {
      throw new AdapterError(DISCORD_PLATFORM, `downloading an attachment answered HTTP ${response.status}`, {
        retryable: response.status === 429 || response.status >= 500,
        reason: 'download_failed',
      });
    }
    return new Uint8Array(await response.arrayBuffer());
  }

  /**
   * Runs `work` on the channel a reply goes to (the thread when there is one,
   * else the chat), failing fast while a rate limit on it lasts, and maps
   * failures to `AdapterError`.
   */
  async #call<T>(chat: ChatRef, action: string, work: (channel: SendableChannels) => Promise<T>): Promise<T> {
    const running = this.#running;
    if (!running || running.stopping) {
      throw new AdapterError(DISCORD_PLATFORM, `cannot ${action}: not connected`, {
        retryable: true,
        reason: 'not_connected',
      });
    }
    const id = chat.threadId ?? chat.chatId;
    this.#rateLimits.check(id);
    try {
      const channel = await running.client.channels.fetch(id);
      if (!channel?.isSendable()) {
        throw new AdapterError(DISCORD_PLATFORM, `cannot ${action}: channel ${id} takes no messages`, {
          retryable: false,
          reason: 'not_sendable',
        });
      }
      return await work(channel);
    } catch (error) {
      this.#rateLimits.note(error, id);
      throw toAdapterError(error, action);
    }
  }

  #listen(running: Running): void {
    const { client, ctx } = running;
    const quiet = () => !running.live || running.stopping;
    const report = (error: AdapterError, message: string) => {
      if (quiet()) return;
      ctx.log.warn({ err: error }, message);
      ctx.reportError?.(error);
    };
    client.on(Events.MessageCreate, (message) => {
      if (!running.stopping) void this.#onMessage(running, message);
    });
    client.on(Events.ShardReconnecting, (shardId) =>
      report(
        new AdapterError(DISCORD_PLATFORM, `gateway connection of shard ${shardId} dropped; reconnecting`, {
          retryable: true,
          reason: 'disconnected',
        }),
        'discord: gateway connection dropped; discord.js reconnects',
      ),
    );
    client.on(Events.ShardError, (error, shardId) =>
      report(
        new AdapterError(DISCORD_PLATFORM, `gateway error on shard ${shardId}: ${error.message}`, {
          retryable: true,
          cause: error,
          reason: 'websocket_error',
        }),
        'discord: gateway websocket error',
      ),
    );
    client.on(Events.Error, (error) =>
      report(toAdapterError(error, 'handle a gateway event'), 'discord: client error'),
    );
    client.on(Events.ShardResume, (shardId, replayed) => {
      if (quiet()) return;
      ctx.log.info({ shardId, replayed }, 'discord: gateway session resumed');
      ctx.reportHealthy?.();
    });
    client.on(Events.ShardReady, (shardId) => {
      if (quiet()) return;
      ctx.log.info({ shardId }, 'discord: gateway session ready');
      ctx.reportHealthy?.();
    });
    client.on(Events.ShardDisconnect, (event) => {
      const error = closeCodeError(event.code);
      report(error, 'discord: gateway closed for good');
      if (!quiet()) for (const listener of this.#failureListeners) listener(error);
    });
  }

  async #onMessage(running: Running, message: Message): Promise<void> {
    const { ctx, client } = running;
    const decision = toInboundMessage(message, {
      botId: client.user.id,
      requireMention: this.#requireMention,
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

  #stopRunning(running: Running): Promise<void> {
    if (running.stopped === undefined) {
      running.stopping = true;
      running.ctx.signal.removeEventListener('abort', running.onAbort);
      if (this.#running === running) this.#running = undefined;
      running.stopped = running.client.destroy().finally(() => running.client.removeAllListeners());
    }
    return running.stopped;
  }
}

function replyOption(replyTo: string | undefined): Pick<MessageCreateOptions, 'reply'> {
  return replyTo ? { reply: { messageReference: replyTo, failIfNotExists: false } } : {};
}

function lastOf(ids: string[]): SendResult {
  const last = ids.at(-1);
  return last === undefined ? {} : { platformMessageId: last, platformMessageIds: ids };
}
