/**
 * The authorization rules, one table row per rule, and the allowlist variable of
 * every platform: who gets in, who does not, and what a stranger's DM gets.
 */
import { describe, expect, it } from 'vitest';
import {
  type AccessEnv,
  accessWarnings,
  allowAllVariable,
  allowlistVariable,
  entryMatches,
  hasAllowlist,
  matchAllowlist,
  PLATFORM_ALLOWLIST_VARIABLES,
  type PlatformsConfig,
  unauthorizedDmBehavior,
} from '../../src/access/allowlist.ts';

describe('allowlist variables', () => {
  it.each([
    ['telegram', 'TELEGRAM_ALLOWED_USERS'],
    ['discord', 'DISCORD_ALLOWED_USERS'],
    ['slack', 'SLACK_ALLOWED_USERS'],
    ['google_chat', 'GOOGLE_CHAT_ALLOWED_USERS'],
    ['whatsapp', 'WHATSAPP_ALLOWED_USERS'],
    ['signal', 'SIGNAL_ALLOWED_USERS'],
    ['sms', 'SMS_ALLOWED_USERS'],
    ['email', 'EMAIL_ALLOWED_USERS'],
    ['homeassistant', 'HOMEASSISTANT_ALLOWED_USERS'],
    ['mattermost', 'MATTERMOST_ALLOWED_USERS'],
    ['matrix', 'MATRIX_ALLOWED_USERS'],
    ['dingtalk', 'DINGTALK_ALLOWED_USERS'],
    ['feishu', 'FEISHU_ALLOWED_USERS'],
    ['wecom', 'WECOM_ALLOWED_USERS'],
    ['wecom_callback', 'WECOM_CALLBACK_ALLOWED_USERS'],
    ['weixin', 'WEIXIN_ALLOWED_USERS'],
    ['bluebubbles', 'BLUEBUBBLES_ALLOWED_USERS'],
    ['qq', 'QQ_ALLOWED_USERS'],
    ['yuanbao', 'YUANBAO_ALLOWED_USERS'],
    ['teams', 'TEAMS_ALLOWED_USERS'],
    ['line', 'LINE_ALLOWED_USERS'],
    ['ntfy', 'NTFY_ALLOWED_USERS'],
  ])('%s reads %s and lets its users in through it', (platform, variable) => {
    expect((PLATFORM_ALLOWLIST_VARIABLES as Record<string, string>)[platform]).toBe(variable);
    expect(allowlistVariable(platform)).toBe(variable);
    const allowAll = variable.replace('_ALLOWED_USERS', '_ALLOW_ALL_USERS');
    expect(allowAllVariable(platform)).toBe(allowAll);
    expect(matchAllowlist(platform, 'u1', { [variable]: 'u0,u1' }, {})).toEqual({
      rule: 'platform_allowlist',
      source: variable,
    });
    expect(matchAllowlist(platform, 'u1', { [allowAll]: 'true' }, {})).toEqual({
      rule: 'platform_allow_all',
      source: allowAll,
    });
    expect(matchAllowlist(platform, 'u2', { [variable]: 'u0,u1' }, {})).toBeUndefined();
  });

  it('covers exactly the 22 chat platforms', () => {
    expect(Object.keys(PLATFORM_ALLOWLIST_VARIABLES)).toHaveLength(22);
  });

  it('derives the variables of a platform added by an embedding app from its name', () => {
    expect(allowlistVariable('my-pager')).toBe('MY_PAGER_ALLOWED_USERS');
    expect(allowAllVariable('my-pager')).toBe('MY_PAGER_ALLOW_ALL_USERS');
    expect(matchAllowlist('my-pager', 'p1', { MY_PAGER_ALLOWED_USERS: 'p1' }, {})?.rule).toBe(
      'platform_allowlist',
    );
  });
});

interface Row {
  rule: string;
  platform?: string;
  userId: string;
  env?: AccessEnv;
  platforms?: PlatformsConfig;
  allowed: string | undefined;
}

const rows: Row[] = [
  { rule: 'nothing configured: default deny', userId: '42', allowed: undefined },
  {
    rule: 'the API server authorizes at its transport',
    platform: 'api',
    userId: 'anyone',
    allowed: 'transport',
  },
  {
    rule: 'signed webhooks authorize at their transport',
    platform: 'webhook',
    userId: 'x',
    allowed: 'transport',
  },
  {
    rule: 'GATEWAY_ALLOW_ALL_USERS=true lets everyone in',
    userId: '42',
    env: { GATEWAY_ALLOW_ALL_USERS: 'true' },
    allowed: 'gateway_allow_all',
  },
  {
    rule: 'allow-all flags read 1 / yes / on in any case',
    userId: '42',
    env: { GATEWAY_ALLOW_ALL_USERS: ' YES ' },
    allowed: 'gateway_allow_all',
  },
  {
    rule: 'GATEWAY_ALLOW_ALL_USERS=false lets nobody in',
    userId: '42',
    env: { GATEWAY_ALLOW_ALL_USERS: 'false' },
    allowed: undefined,
  },
  {
    rule: 'an unreadable allow-all value counts as off',
    userId: '42',
    env: { TELEGRAM_ALLOW_ALL_USERS: 'maybe' },
    allowed: undefined,
  },
  {
    rule: '<PLATFORM>_ALLOW_ALL_USERS lets everyone in on that platform',
    userId: '42',
    env: { TELEGRAM_ALLOW_ALL_USERS: '1' },
    allowed: 'platform_allow_all',
  },
  {
    rule: '<PLATFORM>_ALLOW_ALL_USERS does not open another platform',
    platform: 'discord',
    userId: '42',
    env: { TELEGRAM_ALLOW_ALL_USERS: 'true' },
    allowed: undefined,
  },
  {
    rule: '<PLATFORM>_ALLOWED_USERS: comma-separated ids, spaces ignored',
    userId: '43',
    env: { TELEGRAM_ALLOWED_USERS: ' 42 , 43 ,' },
    allowed: 'platform_allowlist',
  },
  {
    rule: '<PLATFORM>_ALLOWED_USERS does not allow a prefix of an id',
    userId: '4',
    env: { TELEGRAM_ALLOWED_USERS: '42' },
    allowed: undefined,
  },
  {
    rule: '<PLATFORM>_ALLOWED_USERS of another platform does not apply',
    platform: 'discord',
    userId: '42',
    env: { TELEGRAM_ALLOWED_USERS: '42' },
    allowed: undefined,
  },
  {
    rule: '* in <PLATFORM>_ALLOWED_USERS allows everyone there',
    userId: 'anyone',
    env: { TELEGRAM_ALLOWED_USERS: '*' },
    allowed: 'platform_allowlist',
  },
  {
    rule: 'GATEWAY_ALLOWED_USERS applies on every platform',
    platform: 'matrix',
    userId: '@alice:matrix.org',
    env: { GATEWAY_ALLOWED_USERS: '@alice:matrix.org' },
    allowed: 'gateway_allowlist',
  },
  {
    rule: '* in GATEWAY_ALLOWED_USERS allows everyone',
    platform: 'slack',
    userId: 'U1',
    env: { GATEWAY_ALLOWED_USERS: '*' },
    allowed: 'gateway_allowlist',
  },
  {
    rule: 'allow_from as a list',
    userId: '42',
    platforms: { telegram: { extra: { allow_from: ['41', '42'] } } },
    allowed: 'allow_from',
  },
  {
    rule: 'allow_from as comma-separated text',
    userId: '42',
    platforms: { telegram: { extra: { allow_from: '41, 42' } } },
    allowed: 'allow_from',
  },
  {
    rule: 'allow_from of another platform does not apply',
    userId: '42',
    platforms: { discord: { extra: { allow_from: ['42'] } } },
    allowed: undefined,
  },
  {
    rule: 'ids are compared exactly (case matters for non-addresses)',
    platform: 'slack',
    userId: 'u1',
    env: { SLACK_ALLOWED_USERS: 'U1' },
    allowed: undefined,
  },
  {
    rule: 'e-mail addresses match in any case',
    platform: 'email',
    userId: 'Alice@Example.com',
    env: { EMAIL_ALLOWED_USERS: 'alice@example.com' },
    allowed: 'platform_allowlist',
  },
  {
    rule: 'an entry without @ matches the local part of an address',
    platform: 'email',
    userId: 'alice@example.com',
    env: { EMAIL_ALLOWED_USERS: 'alice' },
    allowed: 'platform_allowlist',
  },
  {
    rule: 'a full address does not match the same local part at another domain',
    platform: 'email',
    userId: 'alice@evil.example',
    env: { EMAIL_ALLOWED_USERS: 'alice@example.com' },
    allowed: undefined,
  },
  {
    rule: 'a full address entry does not match a bare local-part sender',
    platform: 'email',
    userId: 'alice',
    env: { EMAIL_ALLOWED_USERS: 'alice@example.com' },
    allowed: undefined,
  },
  {
    rule: 'a Matrix id is not an address: no local-part match',
    platform: 'matrix',
    userId: '@alice:matrix.org',
    env: { MATRIX_ALLOWED_USERS: 'alice' },
    allowed: undefined,
  },
  {
    rule: 'an empty list allows nobody',
    userId: '',
    env: { TELEGRAM_ALLOWED_USERS: ' , ', GATEWAY_ALLOWED_USERS: '' },
    allowed: undefined,
  },
];

describe('authorization rules', () => {
  it.each(rows)('$rule', ({ platform = 'telegram', userId, env = {}, platforms = {}, allowed }) => {
    expect(matchAllowlist(platform, userId, env, platforms)?.rule).toBe(allowed);
  });

  it('names where the matching rule is set, for the log', () => {
    expect(
      matchAllowlist('telegram', '42', {}, { telegram: { extra: { allow_from: ['42'] } } })?.source,
    ).toBe('gateway.platforms.telegram.extra.allow_from');
    expect(matchAllowlist('sms', '+1555', { GATEWAY_ALLOWED_USERS: '+1555' }, {})?.source).toBe(
      'GATEWAY_ALLOWED_USERS',
    );
  });

  it.each([
    ['*', 'x', true],
    ['42', '42', true],
    ['42', '420', false],
    ['bob@example.com', 'BOB@EXAMPLE.COM', true],
    ['bob', 'Bob@example.com', true],
    ['bob', 'bob', true],
    ['Bob', 'bob', false],
    ['bob', 'bobby@example.com', false],
  ])('entry %j matches sender %j: %s', (entry, userId, expected) => {
    expect(entryMatches(entry, userId)).toBe(expected);
  });
});

describe("what a stranger's direct message gets", () => {
  it.each<[string, string, AccessEnv, PlatformsConfig, 'pair' | 'ignore']>([
    ['pairing by default', 'telegram', {}, {}, 'pair'],
    ['ignored on e-mail by default', 'email', {}, {}, 'ignore'],
    [
      'ignored when the platform has an allowlist variable',
      'telegram',
      { TELEGRAM_ALLOWED_USERS: '1' },
      {},
      'ignore',
    ],
    ['ignored when GATEWAY_ALLOWED_USERS is set', 'telegram', { GATEWAY_ALLOWED_USERS: '1' }, {}, 'ignore'],
    [
      'ignored when allow_from is set',
      'telegram',
      {},
      { telegram: { extra: { allow_from: '1' } } },
      'ignore',
    ],
    ["another platform's allowlist does not matter", 'telegram', { DISCORD_ALLOWED_USERS: '1' }, {}, 'pair'],
    [
      'unauthorized_dm_behavior: pair wins over an allowlist',
      'telegram',
      { TELEGRAM_ALLOWED_USERS: '1' },
      { telegram: { unauthorized_dm_behavior: 'pair' } },
      'pair',
    ],
    [
      'unauthorized_dm_behavior: pair enables pairing on e-mail',
      'email',
      {},
      { email: { unauthorized_dm_behavior: 'pair' } },
      'pair',
    ],
    [
      'unauthorized_dm_behavior: ignore',
      'discord',
      {},
      { discord: { unauthorized_dm_behavior: 'ignore' } },
      'ignore',
    ],
  ])('%s', (_name, platform, env, platforms, expected) => {
    expect(unauthorizedDmBehavior(platform, env, platforms)).toBe(expected);
  });

  it('an empty allowlist is no allowlist', () => {
    expect(
      hasAllowlist('telegram', { TELEGRAM_ALLOWED_USERS: ' ' }, { telegram: { extra: { allow_from: [] } } }),
    ).toBe(false);
  });
});

describe('start-up warnings', () => {
  it('warns that GATEWAY_ALLOW_ALL_USERS=true opens a terminal-capable agent to anyone', () => {
    expect(accessWarnings({ GATEWAY_ALLOW_ALL_USERS: 'true' }, {})).toEqual([
      'GATEWAY_ALLOW_ALL_USERS=true lets anyone reach an agent that can run terminal commands',
    ]);
  });

  it('warns about every setting that lets anyone in, and about unreadable flags', () => {
    const warnings = accessWarnings(
      {
        TELEGRAM_ALLOW_ALL_USERS: 'yes',
        GOOGLE_CHAT_ALLOWED_USERS: 'a,*',
        GATEWAY_ALLOWED_USERS: '*',
        DISCORD_ALLOW_ALL_USERS: 'sure',
        SLACK_ALLOW_ALL_USERS: 'false',
        PATH: '/bin',
      },
      { matrix: { extra: { allow_from: ['*'] } }, sms: { extra: { allow_from: ['+1'] } } },
    );
    expect(warnings).toEqual([
      'DISCORD_ALLOW_ALL_USERS=sure is not true or false and counts as false; set it to true or false',
      'GATEWAY_ALLOWED_USERS contains * and lets anyone reach an agent that can run terminal commands',
      'GOOGLE_CHAT_ALLOWED_USERS contains * and lets anyone on google_chat reach an agent that can run terminal commands',
      'TELEGRAM_ALLOW_ALL_USERS=yes lets anyone on telegram reach an agent that can run terminal commands',
      'gateway.platforms.matrix.extra.allow_from contains * and lets anyone on matrix reach an agent that can run terminal commands',
    ]);
  });

  it('has nothing to say about a default-deny setup', () => {
    expect(accessWarnings({ TELEGRAM_ALLOWED_USERS: '42', GATEWAY_ALLOW_ALL_USERS: 'false' }, {})).toEqual(
      [],
    );
  });
});
