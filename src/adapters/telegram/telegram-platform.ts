/**
 * How `hermes gateway` configures Telegram: `TELEGRAM_BOT_TOKEN` turns it on;
 * `TELEGRAM_API_ROOT` points at a self-hosted Bot API server;
 * `TELEGRAM_WEBHOOK_URL` (with `_SECRET`) switches from long polling to a
 * webhook on the gateway's HTTP ingress (`TELEGRAM_WEBHOOK_PORT` / `_HOST` set
 * the ingress's `gateway.http.port` / `host`, see `config/env-overrides.ts`);
 * `gateway.platforms.telegram.extra.require_mention` decides whether groups
 * must address the bot.
 */
import { z } from 'zod';
import { booleanSetting, definePlatform, fromEnv, fromExtra, httpUrlSetting } from '../kit/index.ts';
import { TelegramAdapter } from './telegram-adapter.ts';
import { TELEGRAM_PLATFORM } from './telegram-errors.ts';
import { TELEGRAM_DEFAULTS, type TelegramOptions, WEBHOOK_SECRET_PATTERN } from './telegram-options.ts';

/** What a bot token looks like: `<bot id>:<secret>`. */
const TOKEN_PATTERN = /^\d+:[A-Za-z0-9_-]{20,}$/;

/** Telegram's settings: each from one variable or `extra` key, each with its fix. */
const fields = {
  token: fromEnv(
    'TELEGRAM_BOT_TOKEN',
    z.string().regex(TOKEN_PATTERN, { error: 'does not look like a bot token (expected <digits>:<secret>)' }),
    {
      description: 'Bot token from @BotFather (/newbot)',
      secret: true,
      required: true,
      fix: 'copy the token @BotFather gave you, e.g. 123456789:AAE…',
    },
  ),
  apiRoot: fromEnv('TELEGRAM_API_ROOT', httpUrlSetting, {
    description: `Bot API server for a self-hosted one (default ${TELEGRAM_DEFAULTS.apiRoot})`,
    fix: `set the Bot API server's base URL, e.g. ${TELEGRAM_DEFAULTS.apiRoot} or http://127.0.0.1:8081`,
  }),
  webhookUrl: fromEnv('TELEGRAM_WEBHOOK_URL', httpUrlSetting, {
    description: 'Public HTTPS URL for webhook mode (unset: long polling)',
    fix: 'set the public HTTPS URL Telegram should post updates to, e.g. https://bot.example.com/telegram',
  }),
  webhookSecret: fromEnv(
    'TELEGRAM_WEBHOOK_SECRET',
    z.string().regex(WEBHOOK_SECRET_PATTERN, {
      error: 'Telegram accepts 1-256 characters of A-Z, a-z, 0-9, _ and - only',
    }),
    {
      description: 'Secret Telegram sends with each webhook request (generated when unset)',
      secret: true,
      fix: 'use a random string such as the output of `openssl rand -hex 32`, or unset it to generate one',
    },
  ),
  requireMention: fromExtra('require_mention', booleanSetting, {
    fix: 'set require_mention: false to answer every group message, or remove it (default true)',
  }),
};

/** The Telegram platform for `hermes gateway`. */
export const telegramPlatform = definePlatform({
  name: TELEGRAM_PLATFORM,
  title: 'Telegram',
  fields,
  moreVariables: [
    {
      name: 'TELEGRAM_ALLOWED_USERS',
      description:
        'Numeric Telegram user ids allowed to talk to the bot, comma-separated (ask @userinfobot for yours)',
    },
    {
      name: 'TELEGRAM_WEBHOOK_PORT',
      description: 'Port of the shared HTTP ingress, the same setting as gateway.http.port (default 8443)',
    },
    {
      name: 'TELEGRAM_WEBHOOK_HOST',
      description:
        'Interface of the shared HTTP ingress, the same setting as gateway.http.host (default 127.0.0.1)',
    },
  ],
  options: (s, source): TelegramOptions => ({
    token: s.token as string,
    ...(source.transcribe ? { transcribe: source.transcribe } : {}),
    ...(s.apiRoot ? { apiRoot: s.apiRoot } : {}),
    ...(s.webhookUrl
      ? { webhook: { url: s.webhookUrl, ...(s.webhookSecret ? { secret: s.webhookSecret } : {}) } }
      : {}),
    ...(s.requireMention !== undefined ? { requireMention: s.requireMention } : {}),
  }),
  create: (options, services) =>
    new TelegramAdapter(services?.http ? { ...options, http: services.http } : options),
});

/**
 * Reads Telegram's settings.
 *
 * @example
 * readTelegramOptions({ env: { TELEGRAM_BOT_TOKEN: '123:abc…' }, extra: {}, home: '~/.hermes' })
 */
export const readTelegramOptions = telegramPlatform.read;
