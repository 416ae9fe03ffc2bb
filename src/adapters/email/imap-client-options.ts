/**
 * The imapflow connection options for the bot's mailbox, one place for the
 * adapter's inbox and the credential probe: implicit TLS, STARTTLS or (only when
 * `startTls` is false) plain, with the configured TLS settings.
 */
import type { ImapFlowOptions } from 'imapflow';
import type { EmailServerOptions } from './email-options.ts';

/**
 * Options for `new ImapFlow(...)`; `extra` adds timeouts or IDLE settings.
 *
 * @example
 * const client = new ImapFlow(imapClientOptions(options.imap, 'bot@example.com', password, { logger: false }));
 */
export function imapClientOptions(
  server: EmailServerOptions,
  user: string,
  password: string,
  extra: Partial<ImapFlowOptions> = {},
): ImapFlowOptions {
  const plain = !server.secure && server.startTls === false;
  return {
    host: server.host,
    port: server.port,
    secure: server.secure,
    doSTARTTLS: server.secure ? undefined : !plain,
    auth: { user, pass: password },
    logger: false,
    ...extra,
    ...(server.tls ? { tls: server.tls } : {}),
  };
}
