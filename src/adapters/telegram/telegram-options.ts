/**
 * Options of the Telegram adapter and their defaults.
 */
import type { HttpIngress } from '../../http/ingress.ts';

/** Transcribes a voice note; the adapter gives it the audio it downloaded. */
export type Transcriber = (audio: {
  data: Uint8Array;
  mimeType: string;
  fileName: string;
}) => Promise<string>;

/**
 * Webhook mode: Telegram pushes updates to a route on the gateway's HTTP ingress
 * (`http`), or, for an adapter embedded without one, to an ingress of its own.
 */
export interface TelegramWebhookOptions {
  /** The public HTTPS URL Telegram posts to (`TELEGRAM_WEBHOOK_URL`); its path is the one served. */
  url: string;
  /**
   * Without a shared ingress only: the interface the adapter's own listener binds. Default
   * `0.0.0.0`. (`hermes gateway` uses `gateway.http.host`, which `TELEGRAM_WEBHOOK_HOST` sets.)
   */
  host?: string;
  /**
   * Without a shared ingress only: the port of the adapter's own listener; 0 picks a free
   * port. Default 8443. (`hermes gateway` uses `gateway.http.port`, which `TELEGRAM_WEBHOOK_PORT` sets.)
   */
  port?: number;
  /**
   * Secret Telegram sends in `X-Telegram-Bot-Api-Secret-Token` (`TELEGRAM_WEBHOOK_SECRET`,
   * 1–256 of `A-Z a-z 0-9 _ -`). A random one is generated when absent.
   */
  secret?: string;
}

/** Options of `TelegramAdapter`. */
export interface TelegramOptions {
  /** The bot token from @BotFather (`TELEGRAM_BOT_TOKEN`). */
  token: string;
  /** Bot API server (`TELEGRAM_API_ROOT`), for a self-hosted one. Default `https://api.telegram.org`. */
  apiRoot?: string;
  /** Webhook mode; without it the adapter uses long polling. */
  webhook?: TelegramWebhookOptions;
  /**
   * The gateway's HTTP ingress: in webhook mode the adapter mounts its route there when it is
   * created (before the ingress listens). Without it, webhook mode runs its own listener.
   */
  http?: HttpIngress;
  /**
   * In groups, answer only when mentioned (`@botname`), replied to, or sent a
   * `/command` (`gateway.platforms.telegram.extra.require_mention`). Default true.
   */
  requireMention?: boolean;
  /** Fewest milliseconds between two edits of a streamed message. Default 1000. */
  editIntervalMs?: number;
  /** Seconds one `getUpdates` long poll waits for updates. Default 30. */
  pollTimeoutSeconds?: number;
  /** Backoff after polling failures (409 conflict, network): first and largest wait. Default 1 s doubling to 60 s. */
  pollBackoff?: { initialMs: number; maxMs: number };
  /** Turns incoming voice notes into text; without it a voice note arrives with its caption only. */
  transcribe?: Transcriber;
  /** Ignore messages sent by other bots (default true). */
  ignoreBots?: boolean;
}

/** Default values of `TelegramOptions`. */
export const TELEGRAM_DEFAULTS = {
  apiRoot: 'https://api.telegram.org',
  webhookHost: '0.0.0.0',
  webhookPort: 8443,
  requireMention: true,
  editIntervalMs: 1000,
  pollTimeoutSeconds: 30,
  pollBackoff: { initialMs: 1000, maxMs: 60_000 },
  ignoreBots: true,
} as const;

/** Telegram's limit on one message's text. */
export const TELEGRAM_MAX_MESSAGE_LENGTH = 4096;

/** Telegram's limit on a photo's or document's caption. */
export const TELEGRAM_MAX_CAPTION_LENGTH = 1024;

/** What Telegram accepts as a webhook secret token. */
export const WEBHOOK_SECRET_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;
