/**
 * How a platform adapter is configured: which environment variables turn it on,
 * how its options are read from them and from `gateway.platforms.<name>.extra`,
 * and how the adapter is made. `hermes gateway` builds every adapter whose
 * definition says it is configured; `hermes gateway setup` lists the variables.
 */
import type { Transcriber } from '../agent/transcribe.ts';
import type { ConfigIssue } from '../errors.ts';
import type { HttpIngress } from '../http/ingress.ts';
import type { Adapter } from './contract.ts';

/** One environment variable a platform reads. */
export interface PlatformVariable {
  name: string;
  /** What it holds and where to get it. */
  description: string;
  /** A secret (token, password): never printed back. */
  secret?: boolean;
  /** Needed to turn the platform on. */
  required?: boolean;
}

/** What a definition is given to read the platform's settings. */
export interface PlatformSource {
  /** The process environment (variables win over the file). */
  env: NodeJS.ProcessEnv;
  /** `gateway.platforms.<name>.extra` from config.yaml (adapter-specific keys live here). */
  extra: Record<string, unknown>;
  /** `HERMES_HOME`, for state the adapter keeps on disk (WhatsApp's auth keys). */
  home: string;
  /** Turns voice notes into text, when `agent.transcription_model` is configured. */
  transcribe?: Transcriber;
}

/** What the gateway shares with the adapters it creates. */
export interface PlatformServices {
  /**
   * The HTTP ingress (`gateway.http`): a webhook platform mounts its routes on it when its
   * adapter is created, and attaches its context in `start()`.
   */
  http?: HttpIngress;
}

/** The result of reading a platform's settings. */
export type PlatformOptionsResult<O> =
  /** The platform is not configured: no adapter. */
  | { configured: false }
  | { configured: true; options: O }
  /** Configured, but some values are wrong: refused at start with the key and the fix. */
  | { configured: true; issues: ConfigIssue[] };

/**
 * A platform the gateway can connect.
 *
 * @example
 * export const telegramPlatform: PlatformDefinition<TelegramOptions> = {
 *   name: 'telegram',
 *   variables: [{ name: 'TELEGRAM_BOT_TOKEN', description: 'from @BotFather', secret: true, required: true }],
 *   read: ({ env }) => env.TELEGRAM_BOT_TOKEN ? { configured: true, options: { token: env.TELEGRAM_BOT_TOKEN } } : { configured: false },
 *   create: (options) => new TelegramAdapter(options),
 * };
 */
export interface PlatformDefinition<O = unknown> {
  /** Adapter name and `platform` of its messages. */
  readonly name: string;
  /** Human name ("Telegram"). */
  readonly title: string;
  readonly variables: readonly PlatformVariable[];
  /** Reads the options; `configured: false` when the platform's variables are absent. */
  read(source: PlatformSource): PlatformOptionsResult<O>;
  /** Creates the adapter; a webhook platform mounts its routes on `services.http`. */
  create(options: O, services?: PlatformServices): Adapter;
}
