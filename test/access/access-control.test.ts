/**
 * The access gate: what each kind of sender gets. Allowlisted and paired users
 * are let in (a newly approved user is told once), strangers' DMs get a pairing
 * code or silence, strangers in groups are ignored and never get a code.
 */
import { describe, expect, it } from 'vitest';
import { AccessControl, APPROVAL_NOTICE, PAIRING_BUSY_REPLY } from '../../src/access/access-control.ts';
import type { AccessEnv, PlatformsConfig } from '../../src/access/allowlist.ts';
import { PAIRING_REQUEST_INTERVAL_MS } from '../../src/access/pairing.ts';
import { codeIn, memoryPairing, messageFrom } from './pairing-fixtures.ts';

function gate(env: AccessEnv = {}, platforms: PlatformsConfig = {}) {
  const fixture = memoryPairing();
  const access = new AccessControl({
    pairing: fixture.pairing,
    env,
    platforms,
    log: fixture.log,
    now: fixture.clock.now,
  });
  return { access, ...fixture };
}

describe('allowed senders', () => {
  it('lets an allowlisted user in without touching pairing', async () => {
    const { access, pairing } = gate({ TELEGRAM_ALLOWED_USERS: '42' });
    expect(await access.authorize(messageFrom('42'))).toEqual({ kind: 'allow' });
    expect(await access.authorize(messageFrom('42', { chatType: 'group', chatId: 'g1' }))).toEqual({
      kind: 'allow',
    });
    expect((await pairing.list()).pending).toEqual([]);
  });

  it('lets API server messages in (the bearer key authorized them)', async () => {
    const { access } = gate();
    expect(await access.authorize(messageFrom('client', { platform: 'api' }))).toEqual({ kind: 'allow' });
  });

  it('pairs a stranger: code in the DM, the owner approves, then one approval notice', async () => {
    const { access, pairing } = gate();
    const first = await access.authorize(messageFrom('42', { userName: 'Ada' }));
    expect(first.kind).toBe('pair');
    const reply = (first as { reply: string }).reply;
    const code = codeIn(reply);
    expect(reply).toContain(`hermes pairing approve telegram ${code}`);
    expect(reply).toContain('expires in 1 hour');

    await pairing.approve('telegram', code);
    expect(await access.authorize(messageFrom('42'))).toEqual({ kind: 'allow', notice: APPROVAL_NOTICE });
    expect(APPROVAL_NOTICE).toBe("✅ You're approved — you can talk to me now.");
    expect(await access.authorize(messageFrom('42'))).toEqual({ kind: 'allow' });
    // Paired on telegram, the user may talk in a telegram group too.
    expect(await access.authorize(messageFrom('42', { chatType: 'group', chatId: 'g' }))).toEqual({
      kind: 'allow',
    });
    expect(await access.isAuthorized('telegram', '42')).toBe(true);
    expect(await access.isAuthorized('discord', '42')).toBe(false);
  });
});

describe('strangers', () => {
  it.each(['group', 'channel', 'thread'] as const)(
    'ignores a stranger in a %s silently, with no code',
    async (chatType) => {
      const { access, pairing, log } = gate();
      const decision = await access.authorize(messageFrom('99', { chatType, chatId: 'room' }));
      expect(decision.kind).toBe('ignore');
      expect((await pairing.list()).pending).toEqual([]);
      expect(log.lines).toHaveLength(1);
      expect(log.lines[0]).toContain('access refused');
      expect(log.lines[0]).toContain(`"chatType":"${chatType}"`);
      expect(log.lines[0]).toContain('"userId":"99"');
    },
  );

  it.each<[string, string, AccessEnv, PlatformsConfig]>([
    ['e-mail, by default', 'email', {}, {}],
    ['a platform with an allowlist', 'telegram', { TELEGRAM_ALLOWED_USERS: '1' }, {}],
    ['a platform with allow_from', 'telegram', {}, { telegram: { extra: { allow_from: ['1'] } } }],
    ['unauthorized_dm_behavior: ignore', 'discord', {}, { discord: { unauthorized_dm_behavior: 'ignore' } }],
  ])('ignores a DM on %s, and logs it', async (_name, platform, env, platforms) => {
    const { access, pairing, log } = gate(env, platforms);
    const decision = await access.authorize(messageFrom('stranger@example.com', { platform }));
    expect(decision.kind).toBe('ignore');
    expect((await pairing.list()).pending).toEqual([]);
    expect(log.text()).toContain('access refused');
  });

  it('gives a code on e-mail when unauthorized_dm_behavior is pair', async () => {
    const { access } = gate({}, { email: { unauthorized_dm_behavior: 'pair' } });
    const decision = await access.authorize(messageFrom('bob@example.com', { platform: 'email' }));
    expect(decision.kind).toBe('pair');
    expect((decision as { reply: string }).reply).toContain('hermes pairing approve email ');
  });

  it('tells a stranger who asks again within 10 minutes once, without a code, then stays silent', async () => {
    const { access, clock } = gate();
    const first = await access.authorize(messageFrom('42'));
    const code = codeIn((first as { reply: string }).reply);
    clock.advance(3 * 60_000);
    const second = await access.authorize(messageFrom('42'));
    expect(second.kind).toBe('pair');
    const text = (second as { reply: string }).reply;
    expect(text).toContain('⏳ You already have a pairing code');
    expect(text).toContain('write again in 7 minutes');
    expect(text).not.toContain(code);
    expect(text).not.toMatch(/Pairing code:/);
    expect((await access.authorize(messageFrom('42'))).kind).toBe('ignore');

    clock.advance(PAIRING_REQUEST_INTERVAL_MS);
    const fresh = await access.authorize(messageFrom('42'));
    expect(codeIn((fresh as { reply: string }).reply)).not.toBe(code);
  });

  it('tells the fourth stranger that too many are waiting, once, without a code', async () => {
    const { access } = gate();
    for (const user of ['1', '2', '3']) expect((await access.authorize(messageFrom(user))).kind).toBe('pair');
    expect(await access.authorize(messageFrom('4'))).toEqual({ kind: 'pair', reply: PAIRING_BUSY_REPLY });
    expect((await access.authorize(messageFrom('4'))).kind).toBe('ignore');
  });

  it('never logs a code', async () => {
    const { access, pairing, log } = gate();
    const codes: string[] = [];
    for (const user of ['1', '2', '3']) {
      codes.push(codeIn(((await access.authorize(messageFrom(user))) as { reply: string }).reply));
    }
    await access.authorize(messageFrom('1'));
    await access.authorize(messageFrom('4'));
    await pairing.approve('telegram', codes[0] as string);
    await pairing.approve('telegram', 'WRONGXYZ').catch(() => undefined);
    await access.authorize(messageFrom('1'));
    expect(log.lines.length).toBeGreaterThan(5);
    for (const code of codes) {
      expect(log.text()).not.toContain(code);
      expect(log.text().toUpperCase()).not.toContain(code);
    }
  });
});
