/**
 * Discord voice channels for `/voice join` and `/voice leave`: joining the
 * voice channel the caller is in (read from the guild's voice states), one
 * per guild, tied to the text channel where it was asked for. What is said
 * there is ingested as voice notes of that text channel; spoken replies
 * posted there are also played in the voice channel.
 */
import type { Client } from 'discord.js';
import type {
  AdapterLogger,
  Attachment,
  InboundMessage,
  VoiceChannelAnswer,
  VoiceChannelControl,
} from '../../contract.ts';
import { utteranceMessage } from './utterance-message.ts';
import { VoiceSession } from './voice-session.ts';

/** Silence that ends an utterance by default, in milliseconds. */
export const DEFAULT_SILENCE_MS = 1000;

/** How long joining may take by default, in milliseconds. */
export const DEFAULT_READY_TIMEOUT_MS = 20_000;

/** Tuning of voice channels. */
export interface VoiceChannelOptions {
  /** Silence that ends an utterance (default 1000 ms). */
  silenceMs?: number;
  /** How long joining may take (default 20 s). */
  readyTimeoutMs?: number;
}

/** What the voice channels need from the connected adapter. */
export interface VoiceChannelDeps {
  client: Client<true>;
  ingest: (message: InboundMessage) => Promise<unknown>;
  log: AdapterLogger;
}

/** The voice channels of one connected Discord client, by text channel. */
export class DiscordVoiceChannels implements VoiceChannelControl {
  readonly #deps: VoiceChannelDeps;
  readonly #options: Required<VoiceChannelOptions>;
  /** By the text channel that joined. */
  readonly #sessions = new Map<string, VoiceSession>();

  constructor(deps: VoiceChannelDeps, options: VoiceChannelOptions = {}) {
    this.#deps = deps;
    this.#options = {
      silenceMs: options.silenceMs ?? DEFAULT_SILENCE_MS,
      readyTimeoutMs: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
    };
  }

  /** Joins the voice channel `userId` is in, for the text channel `chatId`; answers for the chat. */
  async join(chatId: string, userId: string): Promise<VoiceChannelAnswer> {
    const { client, log } = this.#deps;
    const channel = await client.channels.fetch(chatId).catch(() => null);
    if (!channel || channel.isDMBased() || !('guild' in channel)) {
      return { done: false, text: '🔇 /voice join works in a server text channel, not in DMs.' };
    }
    const { guild } = channel;
    const voiceChannelId = guild.voiceStates.cache.get(userId)?.channelId;
    if (!voiceChannelId)
      return {
        done: false,
        text: '🔇 You are not in a voice channel: join one, then say /voice join again.',
      };
    const name = guild.channels.cache.get(voiceChannelId)?.name ?? voiceChannelId;
    for (const [id, session] of this.#sessions) {
      if (session.guildId === guild.id) this.#close(id);
    }
    try {
      const session = await VoiceSession.open({
        guildId: guild.id,
        channelId: voiceChannelId,
        adapterCreator: guild.voiceAdapterCreator,
        botId: client.user.id,
        silenceMs: this.#options.silenceMs,
        readyTimeoutMs: this.#options.readyTimeoutMs,
        onUtterance: (speaker, utterance) => {
          const userName = guild.members.cache.get(speaker)?.displayName;
          this.#deps
            .ingest(utteranceMessage({ chatId, userId: speaker, userName }, utterance))
            .catch((error: unknown) =>
              log.warn({ err: String(error) }, 'discord: a voice utterance was lost'),
            );
        },
        onError: (error) => log.warn({ err: String(error) }, 'discord: voice channel error'),
      });
      this.#sessions.set(chatId, session);
    } catch (error) {
      log.warn({ err: String(error), voiceChannelId }, 'discord: could not join a voice channel');
      return {
        done: false,
        text: `⚠️ Could not join 🔊 ${name}: check that the bot may Connect and Speak there.`,
      };
    }
    return {
      done: true,
      text: `🎙️ Joined 🔊 ${name}. What is said there is answered here; with /voice on the answers are spoken there too. /voice leave leaves.`,
    };
  }

  /** Leaves the voice channel joined from `chatId`; answers for the chat. */
  async leave(chatId: string): Promise<VoiceChannelAnswer> {
    const session = this.#sessions.get(chatId);
    if (!session) return { done: false, text: '🔇 Not in a voice channel for this chat.' };
    const name = this.#deps.client.channels.cache.get(session.channelId);
    this.#close(chatId);
    return { done: true, text: `👋 Left 🔊 ${name && 'name' in name ? name.name : session.channelId}.` };
  }

  /** The voice channel joined from `chatId`, if any. */
  joined(chatId: string): VoiceSession | undefined {
    return this.#sessions.get(chatId);
  }

  /**
   * Plays the spoken reply among `files` (a voice note or audio file with a
   * local path) in the voice channel joined from `chatId`; does nothing when
   * there is none. Failures are logged: the text reply is out already.
   */
  async speak(chatId: string, files: readonly Attachment[]): Promise<void> {
    const session = this.#sessions.get(chatId);
    const audio = files.find((f) => f.url && (f.kind === 'voice' || f.mimeType?.startsWith('audio/')));
    if (!session || !audio?.url) return;
    await session
      .play(audio.url, audio.mimeType)
      .catch((error: unknown) =>
        this.#deps.log.warn({ err: String(error) }, 'discord: a spoken reply could not be played'),
      );
  }

  /** Leaves every voice channel. */
  closeAll(): void {
    for (const id of [...this.#sessions.keys()]) this.#close(id);
  }

  #close(chatId: string): void {
    this.#sessions.get(chatId)?.destroy();
    this.#sessions.delete(chatId);
  }
}
