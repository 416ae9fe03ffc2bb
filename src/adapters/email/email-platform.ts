/**
 * How the Email platform is configured from the environment. `EMAIL_ADDRESS`
 * turns it on; the password is required; hosts default for well-known
 * providers; ports default to 993 (IMAP, TLS) and 587 (SMTP, STARTTLS).
 */
import { join } from 'node:path';
import type { ConfigIssue } from '../../errors.ts';
import type { PlatformDefinition } from '../platform-definition.ts';
import { EmailAdapter } from './email-adapter.ts';
import {
  EMAIL_DEFAULTS,
  EMAIL_PLATFORM,
  type EmailOptions,
  type EmailServerOptions,
} from './email-options.ts';
import { providerHosts } from './well-known-hosts.ts';

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/** The Email platform: `EMAIL_ADDRESS` + `EMAIL_PASSWORD` and the mail servers. */
export const emailPlatform: PlatformDefinition<EmailOptions> = {
  name: EMAIL_PLATFORM,
  title: 'Email',
  variables: [
    { name: 'EMAIL_ADDRESS', description: "the bot's own mailbox, e.g. hermes@example.com", required: true },
    {
      name: 'EMAIL_PASSWORD',
      description: 'its password, or an app password (Gmail, iCloud, Yahoo, Fastmail)',
      secret: true,
      required: true,
    },
    {
      name: 'EMAIL_IMAP_HOST',
      description: 'IMAP server (defaults for Gmail, Outlook, iCloud, Yahoo, Fastmail)',
    },
    { name: 'EMAIL_IMAP_PORT', description: 'IMAP port (default 993)' },
    {
      name: 'EMAIL_IMAP_SECURE',
      description: 'true: TLS from the start; false: STARTTLS (default true on 993)',
    },
    {
      name: 'EMAIL_SMTP_HOST',
      description: 'SMTP server (defaults for Gmail, Outlook, iCloud, Yahoo, Fastmail)',
    },
    { name: 'EMAIL_SMTP_PORT', description: 'SMTP port (default 587)' },
    {
      name: 'EMAIL_SMTP_SECURE',
      description: 'true: TLS from the start; false: STARTTLS (default true on 465)',
    },
    { name: 'EMAIL_USERNAME', description: 'login name when it differs from the address' },
    {
      name: 'EMAIL_POLL_SECONDS',
      description: 'seconds between inbox checks besides IDLE push (default 60)',
    },
  ],
  read({ env, home }) {
    const address = env.EMAIL_ADDRESS?.trim();
    if (!address) return { configured: false };
    const issues: ConfigIssue[] = [];
    if (!ADDRESS.test(address)) {
      issues.push({
        path: 'EMAIL_ADDRESS',
        message: `"${address}" is not an email address`,
        fix: 'set EMAIL_ADDRESS to the bot mailbox, e.g. hermes@example.com',
      });
    }
    const password = env.EMAIL_PASSWORD;
    if (!password) {
      issues.push({
        path: 'EMAIL_PASSWORD',
        message: 'is not set',
        fix: 'set EMAIL_PASSWORD to the mailbox password (Gmail/iCloud/Yahoo: an app password)',
      });
    }
    const known = providerHosts(address);
    const imap = server(env, 'IMAP', known?.imap, EMAIL_DEFAULTS.imapPort, 993, issues);
    const smtp = server(env, 'SMTP', known?.smtp, EMAIL_DEFAULTS.smtpPort, 465, issues);
    let pollSeconds: number = EMAIL_DEFAULTS.pollSeconds;
    if (env.EMAIL_POLL_SECONDS?.trim()) {
      pollSeconds = Number(env.EMAIL_POLL_SECONDS);
      if (!Number.isFinite(pollSeconds) || pollSeconds < 1) {
        issues.push({
          path: 'EMAIL_POLL_SECONDS',
          message: `expected a number of seconds (1 or more), got "${env.EMAIL_POLL_SECONDS}"`,
          fix: 'set EMAIL_POLL_SECONDS to e.g. 60, or unset it',
        });
      }
    }
    if (issues.length || !imap || !smtp || !password) return { configured: true, issues };
    const options: EmailOptions = {
      address,
      password,
      imap,
      smtp,
      pollSeconds,
      stateDir: join(home, 'email'),
    };
    const username = env.EMAIL_USERNAME?.trim();
    if (username) options.username = username;
    return { configured: true, options };
  },
  create: (options) => new EmailAdapter(options),
};

/** Reads `EMAIL_<KIND>_HOST`, `_PORT` and `_SECURE`. */
function server(
  env: NodeJS.ProcessEnv,
  kind: 'IMAP' | 'SMTP',
  knownHost: string | undefined,
  defaultPort: number,
  tlsPort: number,
  issues: ConfigIssue[],
): EmailServerOptions | undefined {
  const host = env[`EMAIL_${kind}_HOST`]?.trim() || knownHost;
  const before = issues.length;
  if (!host) {
    issues.push({
      path: `EMAIL_${kind}_HOST`,
      message: 'is not set and the address is not at a known provider',
      fix: `set EMAIL_${kind}_HOST to your provider's ${kind} server, e.g. ${kind.toLowerCase()}.example.com`,
    });
  }
  const rawPort = env[`EMAIL_${kind}_PORT`]?.trim();
  const port = rawPort ? Number(rawPort) : defaultPort;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    issues.push({
      path: `EMAIL_${kind}_PORT`,
      message: `expected a port number from 1 to 65535, got "${rawPort}"`,
      fix: `set EMAIL_${kind}_PORT to e.g. ${defaultPort}, or unset it`,
    });
  }
  const rawSecure = env[`EMAIL_${kind}_SECURE`]?.trim().toLowerCase();
  let secure = port === tlsPort;
  if (rawSecure) {
    if (['true', '1', 'yes', 'on'].includes(rawSecure)) secure = true;
    else if (['false', '0', 'no', 'off'].includes(rawSecure)) secure = false;
    else {
      issues.push({
        path: `EMAIL_${kind}_SECURE`,
        message: `expected true or false, got "${env[`EMAIL_${kind}_SECURE`]}"`,
        fix: `set EMAIL_${kind}_SECURE=true for TLS from the start (port ${tlsPort}) or false for STARTTLS`,
      });
    }
  }
  if (issues.length > before || !host) return undefined;
  return { host, port, secure };
}
