/**
 * One joined voice channel: the @discordjs/voice connection (not deafened, so
 * it hears), an audio player subscribed to it for spoken replies, and the
 * receiver: each time someone starts speaking, their Opus stream is followed
 * until `silenceMs` of silence (`EndBehaviorType.AfterSilence`) and handed on
 * as one utterance.
 */
import { createReadStream } from 'node:fs';
import {
  type AudioPlayer,
  AudioPlayerStatus,
  createAudioPlayer,
  createAudioResource,
  type DiscordGatewayAdapterCreator,
  EndBehaviorType,
  entersState,
  joinVoiceChannel,
  NoSubscriberBehavior,
  StreamType,
  type VoiceConnection,
  VoiceConnectionStatus,
} from '@discordjs/voice';
import { collectUtterance, type Utterance } from './utterance.ts';

/** What a session is opened with. */
export interface VoiceSessionOptions {
  guildId: string;
  /** The voice channel to join. */
  channelId: string;
  adapterCreator: DiscordGatewayAdapterCreator;
  /** The bot's own user id: what it hears of itself is ignored. */
  botId: string;
  /** Silence that ends an utterance, in milliseconds. */
  silenceMs: number;
  /** How long the connection may take to become ready, in milliseconds. */
  readyTimeoutMs: number;
  /** Receives each finished utterance. */
  onUtterance: (userId: string, utterance: Utterance) => void;
  /** Receives failures of receiving or playing. */
  onError: (error: unknown) => void;
}

/** A live voice channel connection. */
export class VoiceSession {
  readonly channelId: string;
  readonly guildId: string;
  readonly #connection: VoiceConnection;
  readonly #player: AudioPlayer;
  readonly #listening = new Set<string>();

  private constructor(options: VoiceSessionOptions, connection: VoiceConnection) {
    this.channelId = options.channelId;
    this.guildId = options.guildId;
    this.#connection = connection;
    this.#player = createAudioPlayer({ behaviors: { noSubscriber: NoSubscriberBehavior.Pause } });
    this.#player.on('error', options.onError);
    connection.subscribe(this.#player);
    connection.receiver.speaking.on('start', (userId) => this.#follow(userId, options));
  }

  /**
   * Joins the voice channel; resolves once the connection is ready.
   *
   * @throws Error when it is not ready within `readyTimeoutMs` (the connection is destroyed).
   */
  static async open(options: VoiceSessionOptions): Promise<VoiceSession> {
    const connection = joinVoiceChannel({
      guildId: options.guildId,
      channelId: options.channelId,
      adapterCreator: options.adapterCreator,
      selfDeaf: false,
      selfMute: false,
    });
    connection.on('error', options.onError);
    try {
      await entersState(connection, VoiceConnectionStatus.Ready, options.readyTimeoutMs);
    } catch (error) {
      connection.destroy();
      throw error;
    }
    return new VoiceSession(options, connection);
  }

  /** The connection's status (`ready`, `signalling`, `destroyed`, …). */
  get status(): VoiceConnectionStatus {
    return this.#connection.state.status;
  }

  /**
   * Plays an audio file in the channel (Ogg/Opus as is, anything else through
   * ffmpeg); resolves when it has finished.
   */
  async play(path: string, mimeType: string | undefined): Promise<void> {
    const oggOpus = mimeType === 'audio/ogg' || mimeType === 'audio/opus';
    const resource = createAudioResource(oggOpus ? createReadStream(path) : path, {
      inputType: oggOpus ? StreamType.OggOpus : StreamType.Arbitrary,
    });
    this.#player.play(resource);
    await entersState(this.#player, AudioPlayerStatus.Playing, 10_000);
    await new Promise<void>((resolve) => {
      const idle = () => resolve();
      this.#player.once(AudioPlayerStatus.Idle, idle);
    });
  }

  /** Leaves the channel. */
  destroy(): void {
    this.#player.stop(true);
    if (this.#connection.state.status !== VoiceConnectionStatus.Destroyed) this.#connection.destroy();
  }

  #follow(userId: string, options: VoiceSessionOptions): void {
    if (userId === options.botId || this.#listening.has(userId)) return;
    this.#listening.add(userId);
    const stream = this.#connection.receiver.subscribe(userId, {
      end: { behavior: EndBehaviorType.AfterSilence, duration: options.silenceMs },
    });
    collectUtterance(stream)
      .then((utterance) => {
        if (utterance) options.onUtterance(userId, utterance);
      })
      .catch(options.onError)
      .finally(() => this.#listening.delete(userId));
  }
}
