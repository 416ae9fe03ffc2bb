/**
 * How `hermes gateway` configures Telegram: `TELEGRAM_BOT_TOKEN` turns it on;
 * `TELEGRAM_API_ROOT` points at a self-hosted Bot API server;
 * `TELEGRAM_WEBHOOK_URL` (with `_SECRET`) switches from long polling to a
 * webhook on the gateway's HTTP ingress (`TELEGRAM_WEBHOOK_PORT` / `_HOST` set
 * the ingress's `gateway.http.port` / `host`, see `config/env-overrides.ts`);
 * `gateway.platforms.telegram.extra.require_mention` decides whether groups
 * must address the bot.
 */
import type { ConfigIssue } from '../../errors.ts';
import type { PlatformDefinition, PlatformSource } from '../platform-definition.ts';
import { TelegramAdapter } from './telegram-adapter.ts';
import { TELEGRAM_PLATFORM } from './telegram-errors.ts';
import { TELEGRAM_DEFAULTS, type TelegramOptions, WEBHOOK_SECRET_PATTERN } from './telegram-options.ts';

/** What a bot token looks like: `<bot id>:<secret>`. */
const TOKEN_PATTERN = /^\d+:[A-Za-z0-9_-]{20,}$/;

/**
 * Reads Telegram's settings.
 *
 * @example
 * readTelegramOptions({ env: { TELEGRAM_BOT_TOKEN: '123:abc…' }, extra: {}, home: '~/.hermes' })
 */
export function readTelegramOptions(
  source: PlatformSource,
): ReturnType<PlatformDefinition<TelegramOptions>['read']> {
  const env = source.env;
  const token = env.TELEGRAM_BOT_TOKEN?.trim();
  if (!token) return { configured: false };
  const issues: ConfigIssue[] = [];
  if (!TOKEN_PATTERN.test(token)) {
    issues.push({
      path: 'TELEGRAM_BOT_TOKEN',
      message: 'does not look like a bot token (expected <digits>:<secret>)',
      fix: 'copy the token @BotFather gave you, e.g. 123456789:AAE…',
    });
  }
  const options: TelegramOptions = { token, ...(source.transcribe ? { transcribe: source.transcribe } : {}) };
  const apiRoot = env.TELEGRAM_API_ROOT?.trim();
  if (apiRoot) {
    if (isHttpUrl(apiRoot)) options.apiRoot = apiRoot;
    else {
      issues.push({
        path: 'TELEGRAM_API_ROOT',
        message: `not an http(s) URL: ${apiRoot}`,
        fix: `set the Bot API server's base URL, e.g. ${TELEGRAM_DEFAULTS.apiRoot} or http://127.0.0.1:8081`,
      });
    }
  }
  const webhookUrl = env.TELEGRAM_WEBHOOK_URL?.trim();
  if (webhookUrl) {
    const webhook: NonNullable<TelegramOptions['webhook']> = { url: webhookUrl };
    if (!isHttpUrl(webhookUrl)) {
      issues.push({
        path: 'TELEGRAM_WEBHOOK_URL',
        message: `not an http(s) URL: ${webhookUrl}`,
        fix: 'set the public HTTPS URL Telegram should post updates to, e.g. https://bot.example.com/telegram',
      });
    }
    const secret = env.TELEGRAM_WEBHOOK_SECRET?.trim();
    if (secret) {
      if (WEBHOOK_SECRET_PATTERN.test(secret)) webhook.secret = secret;
      else {
        issues.push({
          path: 'TELEGRAM_WEBHOOK_SECRET',
          message: 'Telegram accepts 1-256 characters of A-Z, a-z, 0-9, _ and - only',
          fix: 'use a random string such as the output of `openssl rand -hex 32`, or unset it to generate one',
        });
      }
    }
    options.webhook = webhook;
  }
  const requireMention = readBoolean(source.extra.require_mention);
  if (requireMention === 'invalid') {
    issues.push({
      path: 'gateway.platforms.telegram.extra.require_mention',
      message: `expected true or false, got ${JSON.stringify(source.extra.require_mention)}`,
      fix: 'set require_mention: false to answer every group message, or remove it (default true)',
    });
  } else if (requireMention !== undefined) {
    options.requireMention = requireMention;
  }
  return issues.length > 0 ? { configured: true, issues } : { configured: true, options };
}

/** The Telegram platform for `hermes gateway`. */
export const telegramPlatform: PlatformDefinition<TelegramOptions> = {
  name: TELEGRAM_PLATFORM,
  title: 'Telegram',
  variables: [
    {
      name: 'TELEGRAM_BOT_TOKEN',
      description: 'Bot token from @BotFather (/newbot)',
      secret: true,
      required: true,
    },
    {
      name: 'TELEGRAM_ALLOWED_USERS',
      description:
        'Numeric Telegram user ids allowed to talk to the bot, comma-separated (ask @userinfobot for yours)',
    },
    {
      name: 'TELEGRAM_API_ROOT',
      description: `Bot API server for a self-hosted one (default ${TELEGRAM_DEFAULTS.apiRoot})`,
    },
    { name: 'TELEGRAM_WEBHOOK_URL', description: 'Public HTTPS URL for webhook mode (unset: long polling)' },
    {
      name: 'TELEGRAM_WEBHOOK_PORT',
      description: 'Port of the shared HTTP ingress, the same setting as gateway.http.port (default 8443)',
    },
    {
      name: 'TELEGRAM_WEBHOOK_HOST',
      description:
        'Interface of the shared HTTP ingress, the same setting as gateway.http.host (default 127.0.0.1)',
    },
    {
      name: 'TELEGRAM_WEBHOOK_SECRET',
      description: 'Secret Telegram sends with each webhook request (generated when unset)',
      secret: true,
    },
  ],
  read: readTelegramOptions,
  create: (options, services) =>
    new TelegramAdapter(services?.http ? { ...options, http: services.http } : options),
};

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function readBoolean(value: unknown): boolean | undefined | 'invalid' {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return 'invalid';
}
