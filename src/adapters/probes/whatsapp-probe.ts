/**
 * WhatsApp has no token to probe: the probe looks for the linked device's
 * credentials in `<HERMES_HOME>/whatsapp/auth/creds.json`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { whatsappAuthDir } from '../whatsapp/socket.ts';
import { type ProbeContext, type ProbeResult, refused } from './probe-result.ts';

const LINK_FIX = 'run "hermes gateway setup" and link WhatsApp (Linked devices → Link a device)';

/** Whether the home holds the credentials of a linked WhatsApp device. */
export async function probeWhatsApp(_options: unknown, ctx: ProbeContext): Promise<ProbeResult> {
  const dir = whatsappAuthDir(ctx.home);
  let creds: { registered?: unknown; me?: { id?: string } };
  try {
    creds = JSON.parse(readFileSync(join(dir, 'creds.json'), 'utf8'));
  } catch {
    return refused('whatsapp/auth', `${dir} holds no readable creds.json: WhatsApp is not linked`, LINK_FIX);
  }
  if (creds.registered !== true && !creds.me?.id) {
    return refused(
      'whatsapp/auth',
      `${dir} holds credentials of a device that never finished linking`,
      LINK_FIX,
    );
  }
  return {
    status: 'ok',
    account: creds.me?.id ?? 'a linked device',
    note: `linked${creds.me?.id ? ` as ${creds.me.id}` : ''} (${dir})`,
  };
}
