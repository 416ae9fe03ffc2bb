/**
 * Admin / user tiers per platform and scope, from `gateway.platforms.<p>.extra`.
 */
import { describe, expect, it } from 'vitest';
import {
  adminList,
  resolveTier,
  scopeOf,
  type TierConfig,
  tierPolicy,
  userCommands,
} from '../../src/access/tiers.ts';
import { validateConfig } from '../../src/config/validate-config.ts';

/** A configuration with `extra` for one platform, validated like config.yaml. */
const withExtra = (platform: string, extra: Record<string, unknown>): TierConfig =>
  validateConfig({ gateway: { platforms: { [platform]: { extra } } } });

describe('scopeOf', () => {
  it.each([
    ['dm', 'dm'],
    ['group', 'group'],
    ['channel', 'group'],
    ['thread', 'group'],
  ] as const)('a %s is in the %s scope', (chatType, scope) => {
    expect(scopeOf(chatType)).toBe(scope);
  });
});

describe('resolveTier', () => {
  const config = withExtra('telegram', {
    allow_admin_from: ['1', '2'],
    user_allowed_commands: ['status'],
    group_allow_admin_from: '3',
  });

  it.each([
    ['dm', '1', 'admin'],
    ['dm', '2', 'admin'],
    ['dm', '3', 'user'],
    ['dm', '99', 'user'],
    ['group', '3', 'admin'],
    ['group', '1', 'user'],
    ['group', '99', 'user'],
  ] as const)('in the %s scope user %s is %s', (scope, userId, tier) => {
    expect(resolveTier(config, 'telegram', scope, userId)).toBe(tier);
  });

  it('leaves tiers off (unrestricted) in a scope without an admin list', () => {
    const dmOnly = withExtra('slack', { allow_admin_from: 'U1' });
    expect(resolveTier(dmOnly, 'slack', 'dm', 'U2')).toBe('user');
    expect(resolveTier(dmOnly, 'slack', 'group', 'U2')).toBe('unrestricted');
    expect(resolveTier(dmOnly, 'slack', 'group', 'U1')).toBe('unrestricted');
  });

  it('leaves tiers off on platforms without settings and by default', () => {
    expect(resolveTier(config, 'discord', 'dm', '1')).toBe('unrestricted');
    expect(resolveTier(validateConfig({}), 'telegram', 'group', '1')).toBe('unrestricted');
  });

  it('treats an empty admin list as no list', () => {
    const empty = withExtra('telegram', { allow_admin_from: ' , ' });
    expect(adminList(empty, 'telegram', 'dm')).toBeUndefined();
    expect(resolveTier(empty, 'telegram', 'dm', '1')).toBe('unrestricted');
  });

  it('reads comma-separated text, YAML lists and unquoted numbers alike', () => {
    for (const admins of ['7, 8', ['7', '8'], [7, 8]]) {
      const c = withExtra('signal', { allow_admin_from: admins });
      expect(resolveTier(c, 'signal', 'dm', '8')).toBe('admin');
      expect(resolveTier(c, 'signal', 'dm', '9')).toBe('user');
    }
  });

  it('matches admins as the allowlists do: * for everyone, e-mail senders by their local part', () => {
    const email = withExtra('email', { allow_admin_from: 'alice', group_allow_admin_from: '*' });
    expect(resolveTier(email, 'email', 'dm', 'Alice@example.com')).toBe('admin');
    expect(resolveTier(email, 'email', 'dm', 'bob@example.com')).toBe('user');
    expect(resolveTier(email, 'email', 'group', 'anyone@example.com')).toBe('admin');
  });

  it('reads a configuration whose platform settings are not validated (raw objects)', () => {
    const raw: TierConfig = {
      gateway: {
        platforms: { matrix: { extra: { allow_admin_from: ['@a:x'], group_allow_admin_from: 5 } } },
      },
    };
    expect(resolveTier(raw, 'matrix', 'dm', '@a:x')).toBe('admin');
    expect(resolveTier(raw, 'matrix', 'group', '5')).toBe('admin');
    const odd: TierConfig = { gateway: { platforms: { matrix: { extra: { allow_admin_from: { a: 1 } } } } } };
    expect(resolveTier(odd, 'matrix', 'dm', 'a')).toBe('unrestricted');
  });
});

describe('userCommands', () => {
  it('gives each scope its own list, names without slash and in lower case, once each', () => {
    const config = withExtra('discord', {
      user_allowed_commands: '/Status, model, status',
      group_user_allowed_commands: ['usage'],
    });
    expect(userCommands(config, 'discord', 'dm')).toEqual(['status', 'model']);
    expect(userCommands(config, 'discord', 'group')).toEqual(['usage']);
    expect(userCommands(config, 'telegram', 'dm')).toEqual([]);
  });
});

describe('tierPolicy', () => {
  it('carries the scope commands for users only', () => {
    const config = withExtra('telegram', { allow_admin_from: '1', user_allowed_commands: 'status' });
    expect(tierPolicy(config, 'telegram', 'dm', '2')).toEqual({ tier: 'user', userCommands: ['status'] });
    expect(tierPolicy(config, 'telegram', 'dm', '1')).toEqual({ tier: 'admin', userCommands: [] });
    expect(tierPolicy(config, 'telegram', 'group', '2')).toEqual({ tier: 'unrestricted', userCommands: [] });
  });
});
