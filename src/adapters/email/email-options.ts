/**
 * The settings of the Email adapter: one mailbox read over IMAP and written
 * over SMTP with the same account.
 */
import type { ConnectionOptions } from 'node:tls';

/** One mail server (IMAP or SMTP). */
export interface EmailServerOptions {
  host: string;
  port: number;
  /** TLS from the first byte (ports 993 and 465). */
  secure: boolean;
  /**
   * When not `secure`: upgrade the connection with STARTTLS and refuse to log in
   * without it (default true). `false` talks plain text, for a server on loopback only.
   */
  startTls?: boolean;
  /** Extra TLS options (a private CA, a server name). */
  tls?: ConnectionOptions;
}

/** Options of `EmailAdapter`. */
export interface EmailOptions {
  /** The bot's own address (`EMAIL_ADDRESS`): mail to it is read, mail from it is sent. */
  address: string;
  /** Password or app password (`EMAIL_PASSWORD`). */
  password: string;
  /** Login name for IMAP and SMTP (`EMAIL_USERNAME`); default the address. */
  username?: string;
  imap: EmailServerOptions;
  smtp: EmailServerOptions;
  /** Seconds between two checks of the inbox besides IDLE (`EMAIL_POLL_SECONDS`). Default 60. */
  pollSeconds?: number;
  /** Folder for the adapter's small state file (last processed UID, thread subjects); memory only when absent. */
  stateDir?: string;
  /** Name shown beside the bot's address in `From`. Default `Hermes`. */
  displayName?: string;
  /** Subject of a mail that starts a conversation (not a reply). Default `Message from Hermes`. */
  newSubject?: string;
  /** Largest attachment passed on inline (base64); bigger ones are left out with a note. Default 5 MB. */
  maxAttachmentBytes?: number;
  /** First and longest wait before reconnecting to IMAP after a drop. Default 1 s and 60 s. */
  reconnectDelayMs?: { initial: number; max: number };
}

/** Default values of `EmailOptions`. */
export const EMAIL_DEFAULTS = {
  pollSeconds: 60,
  displayName: 'Hermes',
  newSubject: 'Message from Hermes',
  maxAttachmentBytes: 5 * 1024 * 1024,
  reconnectDelayMs: { initial: 1_000, max: 60_000 },
  imapPort: 993,
  smtpPort: 587,
} as const;

/** The platform name, also the `platform` of every message. */
export const EMAIL_PLATFORM = 'email';
