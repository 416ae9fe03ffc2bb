/**
 * `telegramPlatform`: which variables turn Telegram on and how bad values are
 * refused with the variable's name and a fix.
 */
import { describe, expect, it } from 'vitest';
import { TelegramAdapter, telegramPlatform } from '../../../src/adapters/telegram/index.ts';

const TOKEN = '123456789:AAEabcdefghijklmnopqrstuvwxyz012345';

function read(env: Record<string, string>, extra: Record<string, unknown> = {}) {
  return telegramPlatform.read({ env, extra, home: '/tmp/hermes' });
}

describe('telegramPlatform', () => {
  it('is off without TELEGRAM_BOT_TOKEN', () => {
    expect(read({})).toEqual({ configured: false });
  });

  it('long-polls api.telegram.org with just the token, and gates groups by default', () => {
    const result = read({ TELEGRAM_BOT_TOKEN: TOKEN });
    expect(result).toEqual({ configured: true, options: { token: TOKEN } });
    const adapter = telegramPlatform.create({ token: TOKEN });
    expect(adapter).toBeInstanceOf(TelegramAdapter);
    expect(adapter.name).toBe('telegram');
  });

  it('declares the capabilities of FEATURES.md §1 (no reactions)', () => {
    const adapter = telegramPlatform.create({ token: TOKEN });
    expect(adapter.capabilities).toMatchObject({
      voice: true,
      images: true,
      files: true,
      threads: true,
      reactions: false,
      typing: true,
      streaming: true,
      edit: true,
      delete: true,
      maxMessageLength: 4096,
    });
  });

  it('reads the API root, the webhook variables and require_mention (port and host belong to gateway.http)', () => {
    const result = read(
      {
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: 'http://127.0.0.1:8081',
        TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram',
        TELEGRAM_WEBHOOK_PORT: '9443',
        TELEGRAM_WEBHOOK_HOST: '127.0.0.1',
        TELEGRAM_WEBHOOK_SECRET: 's3cret_token-1',
      },
      { require_mention: false },
    );
    expect(result).toEqual({
      configured: true,
      options: {
        token: TOKEN,
        apiRoot: 'http://127.0.0.1:8081',
        webhook: {
          url: 'https://bot.example.com/telegram',
          secret: 's3cret_token-1',
        },
        requireMention: false,
      },
    });
  });

  it('refuses bad values, naming the variable and the fix', () => {
    const result = read(
      {
        TELEGRAM_BOT_TOKEN: 'not-a-token',
        TELEGRAM_API_ROOT: 'api.telegram.org',
        TELEGRAM_WEBHOOK_URL: 'bot.example.com',
        TELEGRAM_WEBHOOK_SECRET: 'has spaces!',
      },
      { require_mention: 'sometimes' },
    );
    if (!result.configured || !('issues' in result)) throw new Error('expected issues');
    expect(result.issues.map((i) => i.path)).toEqual([
      'TELEGRAM_BOT_TOKEN',
      'TELEGRAM_API_ROOT',
      'TELEGRAM_WEBHOOK_URL',
      'TELEGRAM_WEBHOOK_SECRET',
      'gateway.platforms.telegram.extra.require_mention',
    ]);
    for (const issue of result.issues) expect(issue.fix).not.toBe('');
  });

  it('lists its variables, the token as a required secret', () => {
    const names = telegramPlatform.variables.map((v) => v.name);
    expect(names).toContain('TELEGRAM_ALLOWED_USERS');
    expect(telegramPlatform.variables.find((v) => v.name === 'TELEGRAM_BOT_TOKEN')).toMatchObject({
      required: true,
      secret: true,
    });
  });
});
