import { describe, expect, it } from 'vitest';
import { EmailAdapter, type EmailOptions, emailPlatform } from '../../../src/adapters/email/index.ts';

const HOME = '/home/someone/.hermes';

function read(env: Record<string, string>) {
  return emailPlatform.read({ env, extra: {}, home: HOME });
}

function options(env: Record<string, string>): EmailOptions {
  const result = read(env);
  if (!result.configured || !('options' in result))
    throw new Error(`not configured: ${JSON.stringify(result)}`);
  return result.options;
}

function issuePaths(env: Record<string, string>): string[] {
  const result = read(env);
  return result.configured && 'issues' in result ? result.issues.map((i) => i.path) : [];
}

describe('email platform configuration', () => {
  it('is off without EMAIL_ADDRESS', () => {
    expect(read({})).toEqual({ configured: false });
  });

  it('uses the defaults: IMAP 993 with TLS, SMTP 587 with STARTTLS, polling every 60 s', () => {
    const o = options({
      EMAIL_ADDRESS: 'hermes@example.com',
      EMAIL_PASSWORD: 'pw',
      EMAIL_IMAP_HOST: 'imap.example.com',
      EMAIL_SMTP_HOST: 'smtp.example.com',
    });
    expect(o).toEqual({
      address: 'hermes@example.com',
      password: 'pw',
      imap: { host: 'imap.example.com', port: 993, secure: true },
      smtp: { host: 'smtp.example.com', port: 587, secure: false },
      pollSeconds: 60,
      stateDir: `${HOME}/email`,
    });
    expect(emailPlatform.create(o)).toBeInstanceOf(EmailAdapter);
  });

  it('knows the hosts of common providers and reads every override', () => {
    expect(options({ EMAIL_ADDRESS: 'me@gmail.com', EMAIL_PASSWORD: 'app-pw' })).toMatchObject({
      imap: { host: 'imap.gmail.com', port: 993, secure: true },
      smtp: { host: 'smtp.gmail.com', port: 587, secure: false },
    });
    expect(
      options({
        EMAIL_ADDRESS: 'me@gmail.com',
        EMAIL_PASSWORD: 'app-pw',
        EMAIL_USERNAME: 'login-name',
        EMAIL_IMAP_HOST: 'mail.local',
        EMAIL_IMAP_PORT: '143',
        EMAIL_SMTP_PORT: '465',
        EMAIL_IMAP_SECURE: 'false',
        EMAIL_POLL_SECONDS: '15',
      }),
    ).toMatchObject({
      username: 'login-name',
      imap: { host: 'mail.local', port: 143, secure: false },
      smtp: { host: 'smtp.gmail.com', port: 465, secure: true },
      pollSeconds: 15,
    });
  });

  it('names the variable and the fix for every bad value', () => {
    const result = read({
      EMAIL_ADDRESS: 'not-an-address',
      EMAIL_IMAP_PORT: '99999',
      EMAIL_SMTP_SECURE: 'maybe',
      EMAIL_POLL_SECONDS: '0',
    });
    expect(
      issuePaths({
        EMAIL_ADDRESS: 'not-an-address',
        EMAIL_IMAP_PORT: '99999',
        EMAIL_SMTP_SECURE: 'maybe',
        EMAIL_POLL_SECONDS: '0',
      }),
    ).toEqual([
      'EMAIL_ADDRESS',
      'EMAIL_PASSWORD',
      'EMAIL_IMAP_HOST',
      'EMAIL_IMAP_PORT',
      'EMAIL_SMTP_HOST',
      'EMAIL_SMTP_SECURE',
      'EMAIL_POLL_SECONDS',
    ]);
    if (!result.configured || !('issues' in result)) throw new Error('expected issues');
    for (const issue of result.issues) {
      expect(issue.message).not.toBe('');
      expect(issue.fix).toMatch(/EMAIL_/);
    }
  });

  it('declares the capabilities of FEATURES §1 (images, files, threads)', () => {
    const adapter = emailPlatform.create(options({ EMAIL_ADDRESS: 'me@gmail.com', EMAIL_PASSWORD: 'x' }));
    expect(adapter.capabilities).toMatchObject({
      images: true,
      files: true,
      threads: true,
      voice: false,
      reactions: false,
      typing: false,
      streaming: false,
      edit: false,
      delete: false,
    });
    expect(adapter.capabilities.maxMessageLength).toBeGreaterThan(50_000);
  });
});
