/**
 * `hermes gateway setup`: the platforms this environment turns on and what
 * each needs (secrets never printed), and WhatsApp linking that does not
 * disturb an already linked device.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runHermes } from './run-hermes.ts';

const homes: string[] = [];
afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});
const tempHome = () => {
  const home = mkdtempSync(join(tmpdir(), 'hermes-setup-'));
  homes.push(home);
  return home;
};

describe('hermes gateway setup', () => {
  it('shows which platforms are configured and their variables, never printing a secret', async () => {
    const run = await runHermes(['gateway', 'setup'], {
      HERMES_HOME: tempHome(),
      TELEGRAM_BOT_TOKEN: '123456789:AAEverySecretTokenValue_abcdefghij12345',
      MATRIX_HOMESERVER: 'not a url',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Telegram \(telegram\) ✅ configured/);
    expect(run.stdout).toMatch(/\* TELEGRAM_BOT_TOKEN \(set\)/);
    expect(run.stdout).not.toContain('AAEverySecretTokenValue');
    expect(run.stdout).toMatch(/Discord \(discord\) — not configured/);
    expect(run.stdout).toMatch(/Matrix \(matrix\) ⚠️ configured with problems: MATRIX_HOMESERVER/);
    expect(run.stdout).toContain('hermes gateway setup whatsapp');
  });

  it('does not relink a WhatsApp device that is already linked', async () => {
    const home = tempHome();
    mkdirSync(join(home, 'whatsapp', 'auth'), { recursive: true });
    writeFileSync(
      join(home, 'whatsapp', 'auth', 'creds.json'),
      JSON.stringify({ registered: true, me: { id: '15551234567:3@s.whatsapp.net', name: 'Ops phone' } }),
    );
    const run = await runHermes(['gateway', 'setup', 'whatsapp'], { HERMES_HOME: home });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'WhatsApp is already linked as Ops phone. Run "hermes gateway setup whatsapp --relink" to link again.',
    );
  });
});
