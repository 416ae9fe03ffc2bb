/**
 * The WhatsApp platform definition: WHATSAPP_ENABLED turns it on,
 * WHATSAPP_PAIRING_NUMBER is checked as a phone number with country code, and
 * the auth state goes under HERMES_HOME.
 */
import { describe, expect, it } from 'vitest';
import { WhatsAppAdapter, whatsappAuthDir, whatsappPlatform } from '../../../src/adapters/whatsapp/index.ts';

const home = '/home/me/.hermes';

function read(env: Record<string, string>) {
  return whatsappPlatform.read({ env, extra: {}, home });
}

describe('whatsappPlatform', () => {
  it('is off unless WHATSAPP_ENABLED is set', () => {
    expect(read({})).toEqual({ configured: false });
    expect(read({ WHATSAPP_ENABLED: 'false' })).toEqual({ configured: false });
    expect(read({ WHATSAPP_ENABLED: '' })).toEqual({ configured: false });
  });

  it('is on with WHATSAPP_ENABLED=true, keeping its auth state under HERMES_HOME', () => {
    expect(read({ WHATSAPP_ENABLED: 'true' })).toEqual({ configured: true, options: { home } });
    expect(whatsappAuthDir(home)).toBe('/home/me/.hermes/whatsapp/auth');
    const result = read({ WHATSAPP_ENABLED: 'TRUE' });
    if (!('options' in result)) throw new Error('expected options');
    expect(whatsappPlatform.create(result.options)).toBeInstanceOf(WhatsAppAdapter);
  });

  it('refuses an unreadable WHATSAPP_ENABLED with the fix', () => {
    expect(read({ WHATSAPP_ENABLED: 'maybe' })).toMatchObject({
      configured: true,
      issues: [{ path: 'WHATSAPP_ENABLED', fix: expect.stringContaining('WHATSAPP_ENABLED=true') }],
    });
  });

  it('reads the pairing number as digits', () => {
    expect(read({ WHATSAPP_ENABLED: 'true', WHATSAPP_PAIRING_NUMBER: '4915112345678' })).toEqual({
      configured: true,
      options: { home, pairingNumber: '4915112345678' },
    });
    expect(read({ WHATSAPP_ENABLED: 'true', WHATSAPP_PAIRING_NUMBER: '+49 151 1234-5678' })).toMatchObject({
      options: { pairingNumber: '4915112345678' },
    });
  });

  it.each([
    ['letters', 'call me'],
    ['a number without country code', '015112345678'],
    ['too few digits', '12345'],
    ['too many digits', '1234567890123456'],
  ])('refuses a pairing number with %s', (_what, value) => {
    const result = read({ WHATSAPP_ENABLED: 'true', WHATSAPP_PAIRING_NUMBER: value });
    expect(result).toMatchObject({
      configured: true,
      issues: [{ path: 'WHATSAPP_PAIRING_NUMBER', fix: expect.stringContaining('country code') }],
    });
  });

  it('lists its variables for the setup wizard', () => {
    expect(whatsappPlatform.variables.map((v) => v.name)).toEqual([
      'WHATSAPP_ENABLED',
      'WHATSAPP_PAIRING_NUMBER',
      'WHATSAPP_ALLOWED_USERS',
    ]);
    expect(whatsappPlatform.variables.some((v) => v.secret)).toBe(false);
  });
});
