/**
 * How `hermes gateway` configures Email: `EMAIL_ADDRESS` and `EMAIL_PASSWORD`
 * turn it on; the IMAP and SMTP servers are known for the big providers
 * (Gmail, Outlook, iCloud, Yahoo, Fastmail) and set with `EMAIL_IMAP_*` and
 * `EMAIL_SMTP_*` for any other.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { ConfigIssue } from '../../errors.ts';
import { booleanSetting, definePlatform, fromEnv } from '../kit/index.ts';
import { EmailAdapter } from './email-adapter.ts';
import {
  EMAIL_DEFAULTS,
  EMAIL_PLATFORM,
  type EmailOptions,
  type EmailServerOptions,
} from './email-options.ts';
import { providerHosts } from './well-known-hosts.ts';

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/** The fields of one server (`IMAP` or `SMTP`). */
function serverFields(kind: 'IMAP' | 'SMTP', defaultPort: number, tlsPort: number) {
  return {
    host: fromEnv(`EMAIL_${kind}_HOST`, z.string(), {
      description: `${kind} server (defaults for Gmail, Outlook, iCloud, Yahoo, Fastmail)`,
      fix: `set EMAIL_${kind}_HOST to your provider's ${kind} server, e.g. ${kind.toLowerCase()}.example.com`,
    }),
    port: fromEnv(
      `EMAIL_${kind}_PORT`,
      z.string().refine((v) => /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 65535, {
        error: (issue) => `expected a port number from 1 to 65535, got "${String(issue.input)}"`,
      }),
      {
        description: `${kind} port (default ${defaultPort})`,
        fix: `set EMAIL_${kind}_PORT to e.g. ${defaultPort}, or unset it`,
      },
    ),
    secure: fromEnv(`EMAIL_${kind}_SECURE`, booleanSetting, {
      description: `true: TLS from the start; false: STARTTLS (default true on ${tlsPort})`,
      fix: `set EMAIL_${kind}_SECURE=true for TLS from the start (port ${tlsPort}) or false for STARTTLS`,
    }),
  };
}

const imap = serverFields('IMAP', EMAIL_DEFAULTS.imapPort, 993);
const smtp = serverFields('SMTP', EMAIL_DEFAULTS.smtpPort, 465);

/** Email's settings: each from one variable, each with its fix. */
const fields = {
  address: fromEnv(
    'EMAIL_ADDRESS',
    z.string().regex(ADDRESS, { error: (issue) => `"${String(issue.input)}" is not an email address` }),
    {
      description: "the bot's own mailbox, e.g. hermes@example.com",
      required: true,
      fix: 'set EMAIL_ADDRESS to the bot mailbox, e.g. hermes@example.com',
    },
  ),
  password: fromEnv('EMAIL_PASSWORD', z.string(), {
    description: 'its password, or an app password (Gmail, iCloud, Yahoo, Fastmail)',
    secret: true,
    required: true,
    untrimmed: true,
    fix: 'set EMAIL_PASSWORD to the mailbox password (Gmail/iCloud/Yahoo: an app password)',
    missing: {
      message: 'is not set',
      fix: 'set EMAIL_PASSWORD to the mailbox password (Gmail/iCloud/Yahoo: an app password)',
    },
  }),
  imapHost: imap.host,
  imapPort: imap.port,
  imapSecure: imap.secure,
  smtpHost: smtp.host,
  smtpPort: smtp.port,
  smtpSecure: smtp.secure,
  username: fromEnv('EMAIL_USERNAME', z.string(), {
    description: 'login name when it differs from the address',
    fix: 'set EMAIL_USERNAME to the login name, or unset it',
  }),
  pollSeconds: fromEnv(
    'EMAIL_POLL_SECONDS',
    z.string().refine((v) => Number.isFinite(Number(v)) && Number(v) >= 1, {
      error: (issue) => `expected a number of seconds (1 or more), got "${String(issue.input)}"`,
    }),
    {
      description: 'seconds between inbox checks besides IDLE push (default 60)',
      fix: 'set EMAIL_POLL_SECONDS to e.g. 60, or unset it',
    },
  ),
};

/** A server's host when neither the variable nor a known provider gives one. */
function missingHost(kind: 'IMAP' | 'SMTP'): ConfigIssue {
  return {
    path: `EMAIL_${kind}_HOST`,
    message: 'is not set and the address is not at a known provider',
    fix: `set EMAIL_${kind}_HOST to your provider's ${kind} server, e.g. ${kind.toLowerCase()}.example.com`,
  };
}

/** The server options from a kind's settings. */
function server(
  host: string,
  rawPort: string | undefined,
  secure: boolean | undefined,
  defaultPort: number,
  tlsPort: number,
): EmailServerOptions {
  const p = rawPort ? Number(rawPort) : defaultPort;
  return { host, port: p, secure: secure ?? p === tlsPort };
}

/** Email, a mailbox the bot reads and answers. */
export const emailPlatform = definePlatform({
  name: EMAIL_PLATFORM,
  title: 'Email',
  fields,
  configuredBy: ['EMAIL_ADDRESS'],
  check: (s) => {
    const known = s.address ? providerHosts(s.address) : undefined;
    return [
      ...(s.imapHost || known?.imap ? [] : [missingHost('IMAP')]),
      ...(s.smtpHost || known?.smtp ? [] : [missingHost('SMTP')]),
    ];
  },
  options: (s, { home }): EmailOptions => {
    const address = s.address as string;
    const known = providerHosts(address);
    return {
      address,
      password: s.password as string,
      imap: server(
        (s.imapHost ?? known?.imap) as string,
        s.imapPort,
        s.imapSecure,
        EMAIL_DEFAULTS.imapPort,
        993,
      ),
      smtp: server(
        (s.smtpHost ?? known?.smtp) as string,
        s.smtpPort,
        s.smtpSecure,
        EMAIL_DEFAULTS.smtpPort,
        465,
      ),
      pollSeconds: s.pollSeconds ? Number(s.pollSeconds) : EMAIL_DEFAULTS.pollSeconds,
      stateDir: join(home, 'email'),
      ...(s.username ? { username: s.username } : {}),
    };
  },
  create: (options) => new EmailAdapter(options),
});
