/**
 * Options of the Slack adapter and their defaults. The bot token is always
 * needed; an app-level token selects Socket Mode, otherwise a signing secret
 * selects the Events API over signed HTTP.
 */
import type { HttpIngress } from '../../http/ingress.ts';

/** How the adapter receives events. */
export type SlackMode = 'socket' | 'events-api';

/** Options of `createSlackAdapter`. */
export interface SlackOptions {
  /** Bot token (`xoxb-…`, `SLACK_BOT_TOKEN`): every Web API call is made with it. */
  botToken: string;
  /** App-level token (`xapp-…` with `connections:write`, `SLACK_APP_TOKEN`): turns on Socket Mode. */
  appToken?: string;
  /** Signing secret (`SLACK_SIGNING_SECRET`): turns on the Events API when there is no app token. */
  signingSecret?: string;
  /**
   * Events API without a shared ingress only: the port of the adapter's own listener
   * (default 3000; 0 picks a free port). `hermes gateway` uses `gateway.http.port`, which
   * `SLACK_EVENTS_PORT` sets.
   */
  port?: number;
  /** Events API without a shared ingress only: the interface of its own listener (default 0.0.0.0). */
  host?: string;
  /**
   * The gateway's HTTP ingress: in Events API mode the adapter mounts `POST /slack/events`
   * there when it is created (before the ingress listens). Without it, it runs its own listener.
   */
  http?: HttpIngress;
  /** In channels, answer only when mentioned or in a thread the bot is in (default true). */
  requireMention?: boolean;
  /** Base URL of the Web API (default `https://slack.com/api/`); tests point it at a fake. */
  slackApiUrl?: string;
  /** Fewest milliseconds between two edits of a streamed message (default 1000). */
  editIntervalMs?: number;
  /** Socket Mode: first delay before reconnecting after a drop, doubled up to 30 s (default 1000). */
  reconnectDelayMs?: number;
  /** Socket Mode: how long to wait for Slack's `hello` when connecting (default 30 s). */
  connectTimeoutMs?: number;
}

/** Options with every default filled in. */
export interface ResolvedSlackOptions
  extends Required<Omit<SlackOptions, 'appToken' | 'signingSecret' | 'http'>> {
  appToken: string | undefined;
  signingSecret: string | undefined;
  mode: SlackMode;
}

/** Default values of `SlackOptions`. */
export const SLACK_DEFAULTS = {
  port: 3000,
  host: '0.0.0.0',
  requireMention: true,
  slackApiUrl: 'https://slack.com/api/',
  editIntervalMs: 1000,
  reconnectDelayMs: 1000,
  connectTimeoutMs: 30_000,
} as const;

/** The path Slack posts events to in Events API mode. */
export const SLACK_EVENTS_PATH = '/slack/events';

/** Fills in defaults and picks the mode (an app token wins over a signing secret). */
export function resolveSlackOptions(options: SlackOptions): ResolvedSlackOptions {
  const appToken = options.appToken?.trim() || undefined;
  const signingSecret = options.signingSecret?.trim() || undefined;
  return {
    botToken: options.botToken.trim(),
    appToken,
    signingSecret,
    mode: appToken ? 'socket' : 'events-api',
    port: options.port ?? SLACK_DEFAULTS.port,
    host: options.host ?? SLACK_DEFAULTS.host,
    requireMention: options.requireMention ?? SLACK_DEFAULTS.requireMention,
    slackApiUrl: options.slackApiUrl ?? SLACK_DEFAULTS.slackApiUrl,
    editIntervalMs: options.editIntervalMs ?? SLACK_DEFAULTS.editIntervalMs,
    reconnectDelayMs: options.reconnectDelayMs ?? SLACK_DEFAULTS.reconnectDelayMs,
    connectTimeoutMs: options.connectTimeoutMs ?? SLACK_DEFAULTS.connectTimeoutMs,
  };
}
