/**
 * IMAP and SMTP hosts of common mail providers, so a Gmail or iCloud user only
 * sets the address and an app password. Other providers need
 * `EMAIL_IMAP_HOST` and `EMAIL_SMTP_HOST`.
 */

/** Hosts of one provider (IMAP on 993 with TLS, SMTP on 587 with STARTTLS). */
export interface ProviderHosts {
  imap: string;
  smtp: string;
}

const PROVIDERS: Record<string, ProviderHosts> = {
  'gmail.com': { imap: 'imap.gmail.com', smtp: 'smtp.gmail.com' },
  'googlemail.com': { imap: 'imap.gmail.com', smtp: 'smtp.gmail.com' },
  'outlook.com': { imap: 'outlook.office365.com', smtp: 'smtp.office365.com' },
  'hotmail.com': { imap: 'outlook.office365.com', smtp: 'smtp.office365.com' },
  'live.com': { imap: 'outlook.office365.com', smtp: 'smtp.office365.com' },
  'icloud.com': { imap: 'imap.mail.me.com', smtp: 'smtp.mail.me.com' },
  'me.com': { imap: 'imap.mail.me.com', smtp: 'smtp.mail.me.com' },
  'yahoo.com': { imap: 'imap.mail.yahoo.com', smtp: 'smtp.mail.yahoo.com' },
  'fastmail.com': { imap: 'imap.fastmail.com', smtp: 'smtp.fastmail.com' },
};

/**
 * The hosts of the provider of `address`, when it is a well-known one.
 *
 * @example
 * providerHosts('me@gmail.com') // { imap: 'imap.gmail.com', smtp: 'smtp.gmail.com' }
 */
export function providerHosts(address: string): ProviderHosts | undefined {
  const domain = address.split('@')[1]?.trim().toLowerCase();
  return domain ? PROVIDERS[domain] : undefined;
}
