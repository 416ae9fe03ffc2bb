/**
 * Reading the Discord settings: DISCORD_BOT_TOKEN turns the platform on,
 * require_mention comes from DISCORD_REQUIRE_MENTION or
 * gateway.platforms.discord.extra.require_mention, bad values name the key.
 */
import { describe, expect, it } from 'vitest';
import { DiscordAdapter, discordPlatform } from '../../../src/adapters/discord/index.ts';

const read = (env: Record<string, string>, extra: Record<string, unknown> = {}) =>
  discordPlatform.read({ env, extra, home: '/tmp/hermes-test' });

describe('discordPlatform', () => {
  it('is off without a token', () => {
    expect(read({})).toEqual({ configured: false });
    expect(read({ DISCORD_BOT_TOKEN: '  ' })).toEqual({ configured: false });
  });

  it('is on with a token and requires a mention by default', () => {
    expect(read({ DISCORD_BOT_TOKEN: 'abc.def.ghi' })).toEqual({
      configured: true,
      options: { token: 'abc.def.ghi', requireMention: true },
    });
  });

  it('reads require_mention from the config file, the variable winning', () => {
    expect(read({ DISCORD_BOT_TOKEN: 't' }, { require_mention: false })).toMatchObject({
      options: { requireMention: false },
    });
    expect(
      read({ DISCORD_BOT_TOKEN: 't', DISCORD_REQUIRE_MENTION: 'true' }, { require_mention: false }),
    ).toMatchObject({ options: { requireMention: true } });
    expect(read({ DISCORD_BOT_TOKEN: 't', DISCORD_REQUIRE_MENTION: 'off' })).toMatchObject({
      options: { requireMention: false },
    });
  });

  it('names the key and the fix for a bad value', () => {
    const result = read({ DISCORD_BOT_TOKEN: 't', DISCORD_REQUIRE_MENTION: 'sometimes' });
    expect(result).toMatchObject({ configured: true, issues: [{ path: 'DISCORD_REQUIRE_MENTION' }] });
    const fromFile = read({ DISCORD_BOT_TOKEN: 't' }, { require_mention: 'maybe' });
    expect(fromFile).toMatchObject({
      issues: [{ path: 'gateway.platforms.discord.extra.require_mention' }],
    });
    expect(read({ DISCORD_BOT_TOKEN: 'two words' })).toMatchObject({
      issues: [{ path: 'DISCORD_BOT_TOKEN' }],
    });
  });

  it('lists its variables, the token secret and required', () => {
    const token = discordPlatform.variables.find((v) => v.name === 'DISCORD_BOT_TOKEN');
    expect(token).toMatchObject({ secret: true, required: true });
    expect(discordPlatform.variables.map((v) => v.name)).toContain('DISCORD_ALLOWED_USERS');
  });

  it('creates a Discord adapter with the capabilities of FEATURES.md', () => {
    const adapter = discordPlatform.create({ token: 't' });
    expect(adapter).toBeInstanceOf(DiscordAdapter);
    expect(adapter.capabilities).toMatchObject({
      voice: true,
      images: true,
      files: true,
      threads: true,
      reactions: true,
      typing: true,
      streaming: true,
      edit: true,
      delete: true,
      maxMessageLength: 2000,
    });
  });
});
