/**
 * Where the probes send their requests. Telegram uses the configured Bot API
 * root (`TELEGRAM_API_ROOT`), Matrix the homeserver; Slack and Discord use
 * their public APIs unless `HERMES_SETUP_SLACK_API_URL` /
 * `HERMES_SETUP_DISCORD_API_URL` name another base (a proxy or a test server).
 */

/** Default API bases. */
export const PROBE_API_DEFAULTS = {
  telegram: 'https://api.telegram.org',
  slack: 'https://slack.com/api/',
  discord: 'https://discord.com/api/v10',
} as const;

/** The Slack Web API base, ending in `/`: the override, else the configured one, else Slack's. */
export function slackApiBase(env: NodeJS.ProcessEnv, configured?: string): string {
  const base = env.HERMES_SETUP_SLACK_API_URL?.trim() || configured || PROBE_API_DEFAULTS.slack;
  return base.endsWith('/') ? base : `${base}/`;
}

/** The Discord REST base with its version, without a trailing `/`. */
export function discordApiBase(env: NodeJS.ProcessEnv): string {
  return (env.HERMES_SETUP_DISCORD_API_URL?.trim() || PROBE_API_DEFAULTS.discord).replace(/\/+$/, '');
}

/** The Telegram Bot API root, without a trailing `/`. */
export function telegramApiRoot(configured?: string): string {
  return (configured || PROBE_API_DEFAULTS.telegram).replace(/\/+$/, '');
}
