/**
 * Email: logs in to the IMAP server with imapflow (5 s to connect and greet)
 * and logs out again. A refused login is ❌; an unreachable server is ⚠️.
 */
import { ImapFlow } from 'imapflow';
import type { EmailOptions } from '../adapters/email/email-options.ts';
import { type CheckResult, fail, ok, warn } from './check-result.ts';
import { PROBE_TIMEOUT_MS } from './probe-fetch.ts';

/** Logs in to the configured IMAP server. */
export async function probeEmail(options: EmailOptions, timeoutMs = PROBE_TIMEOUT_MS): Promise<CheckResult> {
  const name = 'email credentials';
  const { imap } = options;
  const user = options.username ?? options.address;
  const plain = !imap.secure && imap.startTls === false;
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.secure,
    doSTARTTLS: imap.secure ? undefined : !plain,
    auth: { user, pass: options.password },
    logger: false,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    ...(imap.tls ? { tls: imap.tls } : {}),
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.logout().catch(() => {});
    return ok(name, `IMAP login as ${user} at ${imap.host}:${imap.port} works`);
  } catch (error) {
    const err = error as Error & { authenticationFailed?: boolean; code?: string; responseText?: string };
    client.close();
    if (err.authenticationFailed) {
      return fail(
        name,
        `IMAP login as ${user} at ${imap.host}:${imap.port} was refused${err.responseText ? ` (${err.responseText})` : ''}`,
        'check EMAIL_ADDRESS / EMAIL_PASSWORD (many providers need an app password for IMAP)',
      );
    }
    return warn(
      name,
      `could not log in at ${imap.host}:${imap.port} (${err.code ?? err.message})`,
      'check EMAIL_IMAP_HOST / EMAIL_IMAP_PORT and the network, then run "hermes doctor" again',
    );
  }
}
