/**
 * The WhatsApp platform definition: `WHATSAPP_ENABLED=true` turns it on,
 * `WHATSAPP_PAIRING_NUMBER` (optional) links by pairing code instead of a QR
 * code, and the auth state lives under `<HERMES_HOME>/whatsapp/auth`.
 */
import { z } from 'zod';
import { isFlagSet } from '../../access/allowlist.ts';
import type { ConfigIssue } from '../../errors.ts';
import { definePlatform, fromEnv } from '../kit/index.ts';
import { WHATSAPP_PLATFORM } from './socket.ts';
import { WhatsAppAdapter, type WhatsAppAdapterOptions } from './whatsapp-adapter.ts';

/** What `whatsappPlatform.read` gives `create`. */
export type WhatsAppPlatformOptions = Pick<WhatsAppAdapterOptions, 'home' | 'pairingNumber'>;

/**
 * The pairing number as WhatsApp wants it (digits only), or an issue. Spaces,
 * dashes, dots, brackets and a leading `+` are dropped; anything else is refused.
 *
 * @example
 * readPairingNumber('+49 151 1234-5678') // { number: '4915112345678' }
 */
export function readPairingNumber(value: string): { number: string } | { issue: ConfigIssue } {
  const fix =
    'write the phone number with its country code, digits only, e.g. WHATSAPP_PAIRING_NUMBER=4915112345678';
  const number = value
    .trim()
    .replace(/^\+/, '')
    .replace(/[\s().-]/g, '');
  if (!/^\d+$/.test(number)) {
    return { issue: { path: 'WHATSAPP_PAIRING_NUMBER', message: `"${value}" is not a phone number`, fix } };
  }
  if (number.startsWith('0')) {
    return {
      issue: {
        path: 'WHATSAPP_PAIRING_NUMBER',
        message: `"${value}" has no country code (it starts with 0)`,
        fix,
      },
    };
  }
  if (number.length < 7 || number.length > 15) {
    return {
      issue: {
        path: 'WHATSAPP_PAIRING_NUMBER',
        message: `"${value}" has ${number.length} digits; a phone number with country code has 7 to 15`,
        fix,
      },
    };
  }
  return { number };
}

/** WhatsApp's settings: each from one variable, each with its fix. */
const fields = {
  enabled: fromEnv(
    'WHATSAPP_ENABLED',
    z.string().transform((value, ctx) => {
      if (isFlagSet(value)) return true;
      if (/^(false|0|no|off)$/i.test(value.trim())) return false;
      ctx.addIssue({ code: 'custom', message: `"${value}" is neither true nor false` });
      return z.NEVER;
    }),
    {
      description:
        'true to connect WhatsApp (link the device by the QR code in the log or with hermes gateway setup)',
      required: true,
      untrimmed: true,
      fix: 'set WHATSAPP_ENABLED=true to connect WhatsApp, or remove it',
    },
  ),
  pairingNumber: fromEnv(
    'WHATSAPP_PAIRING_NUMBER',
    z.string().transform((value, ctx) => {
      const pairing = readPairingNumber(value);
      if ('number' in pairing) return pairing.number;
      ctx.addIssue({ code: 'custom', message: pairing.issue.message });
      return z.NEVER;
    }),
    {
      description:
        'optional: your phone number with country code (digits) to link with a pairing code instead of a QR code',
      untrimmed: true,
      fix: 'write the phone number with its country code, digits only, e.g. WHATSAPP_PAIRING_NUMBER=4915112345678',
    },
  ),
};

/** WhatsApp, linked as a device of the user's account. */
export const whatsappPlatform = definePlatform({
  name: WHATSAPP_PLATFORM,
  title: 'WhatsApp',
  fields,
  active: (s) => s.enabled !== false,
  moreVariables: [
    {
      name: 'WHATSAPP_ALLOWED_USERS',
      description: 'phone numbers with country code (digits, comma-separated) allowed to talk to the agent',
    },
  ],
  options: (s, { home }): WhatsAppPlatformOptions => ({
    home,
    ...(s.pairingNumber ? { pairingNumber: s.pairingNumber } : {}),
  }),
  create: (options) => new WhatsAppAdapter(options),
});
