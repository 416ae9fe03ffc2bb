/**
 * WhatsApp has no token to probe: the check looks for the linked device's
 * credentials in `<HERMES_HOME>/whatsapp/auth/creds.json`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { whatsappAuthDir } from '../adapters/whatsapp/socket.ts';
import { type CheckResult, fail, ok } from './check-result.ts';

const LINK_FIX = 'run "hermes gateway setup" and link WhatsApp (Linked devices → Link a device)';

/** Whether this home holds the credentials of a linked WhatsApp device. */
export function checkWhatsAppLink(home: string): CheckResult {
  const name = 'whatsapp link';
  const dir = whatsappAuthDir(home);
  if (!existsSync(dir)) return fail(name, `no auth folder (${dir}): WhatsApp is not linked`, LINK_FIX);
  let creds: { registered?: unknown; me?: { id?: string } };
  try {
    creds = JSON.parse(readFileSync(join(dir, 'creds.json'), 'utf8'));
  } catch {
    return fail(name, `${dir} holds no readable creds.json: WhatsApp is not linked`, LINK_FIX);
  }
  if (creds.registered !== true && !creds.me?.id) {
    return fail(name, `${dir} holds credentials of a device that never finished linking`, LINK_FIX);
  }
  return ok(name, `linked${creds.me?.id ? ` as ${creds.me.id}` : ''} (${dir})`);
}
