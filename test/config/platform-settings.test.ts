/**
 * `gateway.platforms.<p>`: the strict per-platform settings (enabled, unauthorized_dm_behavior,
 * extra with the access lists) and the problems a user sees when one is wrong.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { configIssues, issueAt, tempHome } from './temp-home.ts';

function platformsOf(yaml: string) {
  return loadConfig({ home: tempHome(`gateway:\n  platforms:\n${yaml}`), env: {} }).gateway.platforms;
}

function problemsIn(yaml: string) {
  return configIssues(() => loadConfig({ home: tempHome(`gateway:\n  platforms:\n${yaml}`), env: {} }));
}

describe('gateway.platforms settings', () => {
  it('accepts any platform name, including ones added by an embedding app', () => {
    expect(platformsOf('    my_pager:\n      enabled: false\n')).toEqual({ my_pager: { enabled: false } });
  });

  it('reads the access lists as YAML lists or as comma-separated text, numbers kept as text', () => {
    const platforms = platformsOf(
      [
        '    discord:',
        '      unauthorized_dm_behavior: pair',
        '      extra:',
        '        allow_from: ["123456789012345678", 42]',
        '        allow_admin_from: "1,2"',
        '        user_allowed_commands: [status, model]',
        '        group_allow_admin_from: 7',
        '        group_user_allowed_commands: status',
        '        guild_id: "99"',
        '',
      ].join('\n'),
    );
    expect(platforms.discord).toEqual({
      unauthorized_dm_behavior: 'pair',
      extra: {
        allow_from: ['123456789012345678', '42'],
        allow_admin_from: '1,2',
        user_allowed_commands: ['status', 'model'],
        group_allow_admin_from: '7',
        group_user_allowed_commands: 'status',
        guild_id: '99',
      },
    });
  });

  it('refuses an unknown key beside enabled / unauthorized_dm_behavior / extra and suggests the near miss', () => {
    const issue = issueAt(
      problemsIn('    telegram:\n      unauthorised_dm_behavior: ignore\n'),
      'gateway.platforms.telegram.unauthorised_dm_behavior',
    );
    expect(issue.message).toContain('is not a known key');
    expect(issue.fix).toContain('did you mean "unauthorized_dm_behavior"?');
  });

  it('lists the accepted values of unauthorized_dm_behavior', () => {
    const issue = issueAt(
      problemsIn('    telegram:\n      unauthorized_dm_behavior: pairing\n'),
      'gateway.platforms.telegram.unauthorized_dm_behavior',
    );
    expect(issue.message).toContain('"pairing" is not one of the accepted values');
    expect(issue.fix).toMatch(/^use one of: pair, ignore/);
  });

  it('refuses a non-boolean enabled', () => {
    const issue = issueAt(
      problemsIn('    telegram:\n      enabled: sometimes\n'),
      'gateway.platforms.telegram.enabled',
    );
    expect(issue.fix).toBe('set it to true or false');
  });

  it('asks for quotes around an id too long to be read exactly as a number', () => {
    const issue = issueAt(
      problemsIn('    discord:\n      extra:\n        allow_from: [123456789012345678]\n'),
      'gateway.platforms.discord.extra.allow_from',
    );
    expect(issue.message).toContain('is too long to be read exactly');
    expect(issue.fix).toContain('put long numeric ids in quotes');
  });

  it.each([
    ['allow_from', 'user ids'],
    ['allow_admin_from', 'user ids'],
    ['user_allowed_commands', 'command names'],
    ['group_allow_admin_from', 'user ids'],
    ['group_user_allowed_commands', 'command names'],
  ])('refuses a section where the %s list belongs', (key, noun) => {
    const issue = issueAt(
      problemsIn(`    slack:\n      extra:\n        ${key}:\n          a: 1\n`),
      `gateway.platforms.slack.extra.${key}`,
    );
    expect(issue.message).toContain(`expected a list of ${noun} or one comma-separated text`);
    expect(issue.fix).toContain('as one text with commas');
  });

  it('refuses a list holding something other than ids', () => {
    const issue = issueAt(
      problemsIn('    slack:\n      extra:\n        allow_from: [U1, true]\n'),
      'gateway.platforms.slack.extra.allow_from',
    );
    expect(issue.message).toContain('expected a list of user ids');
  });
});
