/**
 * `operator:` in config.yaml: off by default on loopback port 8644; a public
 * host without its own token, a short token, or an enabled page without any
 * login are refused with the key and the fix.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { validateConfig } from '../../src/config/validate-config.ts';
import { configIssues, issueAt, tempHome } from '../config/temp-home.ts';

const KEY = 'an-api-server-key-of-enough-length';

describe('operator config', () => {
  it('is off by default, on loopback port 8644', () => {
    expect(validateConfig({}).operator).toEqual({ enabled: false, host: '127.0.0.1', port: 8644 });
  });

  it('refuses a public host without a token, naming the key and the fix', () => {
    const issues = configIssues(() =>
      validateConfig({
        api_server: { enabled: true, key: KEY },
        operator: { enabled: true, host: '0.0.0.0' },
      }),
    );
    const issue = issueAt(issues, 'operator.host');
    expect(issue.message).toContain('0.0.0.0');
    expect(issue.fix).toContain('operator.token');
    expect(issue.fix).toContain('16 characters');
  });

  it('accepts a public host with a token of 16 characters or more, and refuses a shorter one', () => {
    const config = validateConfig({ operator: { enabled: true, host: '0.0.0.0', token: 'a'.repeat(16) } });
    expect(config.operator.host).toBe('0.0.0.0');
    const issue = issueAt(
      configIssues(() => validateConfig({ operator: { enabled: true, token: 'short' } })),
      'operator.token',
    );
    expect(issue.message).toContain('at least 16');
  });

  it('refuses an enabled page without a login, and takes the API server key as one', () => {
    const issue = issueAt(
      configIssues(() => validateConfig({ operator: { enabled: true } })),
      'operator.token',
    );
    expect(issue.message).toContain('is missing');
    expect(issue.fix).toContain('api_server.key');
    expect(validateConfig({ api_server: { key: KEY }, operator: { enabled: true } }).operator.enabled).toBe(
      true,
    );
  });
});

describe('operator config from the environment', () => {
  it('takes HERMES_OPERATOR_* over config.yaml', () => {
    const config = loadConfig({
      home: tempHome('operator:\n  enabled: false\n'),
      env: {
        HERMES_OPERATOR_ENABLED: 'true',
        HERMES_OPERATOR_HOST: '0.0.0.0',
        HERMES_OPERATOR_PORT: '9000',
        HERMES_OPERATOR_TOKEN: 'env-token-0123456789',
      },
    });
    expect(config.operator).toEqual({
      enabled: true,
      host: '0.0.0.0',
      port: 9000,
      token: 'env-token-0123456789',
    });
  });
});
