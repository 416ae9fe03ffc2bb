/**
 * Settings from a zod schema: a platform is configured only when its variables
 * are set, and every wrong value is refused with the variable or key that holds
 * it and the fix, all problems at once.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  booleanSetting,
  definePlatform,
  fromEnv,
  fromExtra,
  httpUrlSetting,
  readSettings,
} from '../../../src/adapters/kit/index.ts';
import { MemoryAdapter } from '../../support/memory-adapter.ts';

const fields = {
  token: fromEnv('ECHO_TOKEN', z.string().regex(/^tok-/, { error: 'expected a token starting with tok-' }), {
    description: 'Token from the echo console',
    secret: true,
    required: true,
    fix: 'copy the token from the echo console (tok-…)',
  }),
  apiUrl: fromEnv('ECHO_API_URL', httpUrlSetting, {
    description: 'API base URL',
    fix: 'set the API base URL, e.g. https://echo.example.com',
  }),
  requireMention: fromExtra('require_mention', booleanSetting, {
    fix: 'write require_mention: false to answer every group message, or remove the key',
  }),
};
const spec = { platform: 'echo', fields };

describe('platform settings', () => {
  it('is not configured without its required variable', () => {
    expect(readSettings(spec, { env: { ECHO_TOKEN: '  ' }, extra: {} })).toEqual({ configured: false });
  });

  it('reads valid values, parsed', () => {
    expect(
      readSettings(spec, { env: { ECHO_TOKEN: ' tok-1 ' }, extra: { require_mention: 'false' } }),
    ).toEqual({ configured: true, options: { token: 'tok-1', requireMention: false } });
  });

  it('names the variable or key and the fix of every wrong value', () => {
    const result = readSettings(spec, {
      env: { ECHO_TOKEN: 'abc', ECHO_API_URL: 'ftp://x' },
      extra: { require_mention: 'sometimes' },
    });
    expect(result).toEqual({
      configured: true,
      issues: [
        {
          path: 'ECHO_TOKEN',
          message: 'expected a token starting with tok-',
          fix: 'copy the token from the echo console (tok-…)',
        },
        {
          path: 'ECHO_API_URL',
          message: 'not an http(s) URL: ftp://x',
          fix: 'set the API base URL, e.g. https://echo.example.com',
        },
        {
          path: 'gateway.platforms.echo.extra.require_mention',
          message: 'expected true or false, got "sometimes"',
          fix: 'write require_mention: false to answer every group message, or remove the key',
        },
      ],
    });
  });

  it('reports a missing required variable when another one turned the platform on, and cross-field rules', () => {
    const twoWays = {
      platform: 'echo',
      fields,
      configuredBy: ['ECHO_TOKEN', 'ECHO_API_URL'],
      check: (v: { apiUrl?: string | undefined }) =>
        v.apiUrl?.startsWith('http:')
          ? [{ path: 'ECHO_API_URL', message: 'plain http', fix: 'use https' }]
          : [],
    };
    expect(readSettings(twoWays, { env: { ECHO_API_URL: 'https://e.example' }, extra: {} })).toMatchObject({
      issues: [
        { path: 'ECHO_TOKEN', message: 'missing', fix: 'copy the token from the echo console (tok-…)' },
      ],
    });
    expect(
      readSettings(twoWays, { env: { ECHO_TOKEN: 'tok-1', ECHO_API_URL: 'http://e' }, extra: {} }),
    ).toMatchObject({
      issues: [{ path: 'ECHO_API_URL', message: 'plain http' }],
    });
  });

  it('a platform defined from its fields lists its variables and builds its options', () => {
    const platform = definePlatform({
      name: 'echo',
      title: 'Echo',
      fields,
      options: (s) => ({ token: s.token as string, requireMention: s.requireMention ?? true }),
      create: () => new MemoryAdapter({ name: 'echo' }),
    });
    expect(platform.variables.map((v) => [v.name, v.secret ?? false, v.required ?? false])).toEqual([
      ['ECHO_TOKEN', true, true],
      ['ECHO_API_URL', false, false],
    ]);
    expect(platform.read({ env: { ECHO_TOKEN: 'tok-9' }, extra: {}, home: '/tmp' })).toEqual({
      configured: true,
      options: { token: 'tok-9', requireMention: true },
    });
  });

  it('reports every problem at once in the order of the fields, and skips rules about refused values', () => {
    const spec2 = {
      platform: 'echo',
      fields,
      check: (v: { apiUrl?: string | undefined }, failed: ReadonlySet<string>) =>
        !v.apiUrl && !failed.has('apiUrl')
          ? [{ path: 'ECHO_API_URL', message: 'needed', fix: 'set ECHO_API_URL' }]
          : [],
    };
    const bad = readSettings(spec2, { env: { ECHO_TOKEN: 'abc' }, extra: { require_mention: 2 } });
    expect(bad.configured && 'issues' in bad ? bad.issues.map((i) => i.path) : []).toEqual([
      'ECHO_TOKEN',
      'ECHO_API_URL',
      'gateway.platforms.echo.extra.require_mention',
    ]);
    const refused = readSettings(spec2, { env: { ECHO_TOKEN: 'tok-1', ECHO_API_URL: 'nope' }, extra: {} });
    expect(refused.configured && 'issues' in refused ? refused.issues.map((i) => i.message) : []).toEqual([
      'not an http(s) URL: nope',
    ]);
  });
});
