/** Email: logs in to the IMAP server with imapflow and logs out again. */
import { ImapFlow } from 'imapflow';
import type { EmailOptions } from '../email/email-options.ts';
import { imapClientOptions } from '../email/imap-client-options.ts';
import { type ProbeContext, type ProbeResult, refused, unreachable } from './probe-result.ts';

/** Logs in to the configured IMAP server as the bot's mailbox. */
export async function probeEmail(options: EmailOptions, ctx: ProbeContext): Promise<ProbeResult> {
  const { imap } = options;
  const user = options.username ?? options.address;
  const client = new ImapFlow(
    imapClientOptions(imap, user, options.password, {
      connectionTimeout: ctx.timeoutMs,
      greetingTimeout: ctx.timeoutMs,
      socketTimeout: ctx.timeoutMs,
    }),
  );
  client.on('error', () => {});
  try {
    await client.connect();
    await client.logout().catch(() => {});
    return { status: 'ok', account: `${user} at ${imap.host}:${imap.port}` };
  } catch (error) {
    const err = error as Error & { authenticationFailed?: boolean; code?: string; responseText?: string };
    client.close();
    if (err.authenticationFailed) {
      return refused(
        'EMAIL_PASSWORD',
        `${imap.host}:${imap.port} refused the login of ${user}${err.responseText ? ` (${err.responseText})` : ''}`,
        'use an app password (Gmail, Outlook, iCloud: the account security settings), and EMAIL_USERNAME when the login differs from the address',
      );
    }
    return unreachable(
      'EMAIL_IMAP_HOST',
      `could not log in at ${imap.host}:${imap.port} (${err.code ?? err.message})`,
      'check EMAIL_IMAP_HOST, EMAIL_IMAP_PORT, EMAIL_IMAP_SECURE and the network',
    );
  }
}
