/**
 * DM pairing: codes, approval, expiry, the per-user rate limit, the per-platform
 * pending cap, the lock-out after failed approvals, revoke and clear-pending.
 */
import { describe, expect, it } from 'vitest';
import {
  PAIRING_CODE_TTL_MS,
  PAIRING_LOCKOUT_MS,
  PAIRING_REQUEST_INTERVAL_MS,
  type Pairing,
  type PairingRequestResult,
} from '../../src/access/pairing.ts';
import { generatePairingCode, PAIRING_ALPHABET } from '../../src/access/pairing-code.ts';
import { PairingError } from '../../src/access/pairing-error.ts';
import { memoryPairing, sequenceRandom } from './pairing-fixtures.ts';

const MINUTE = 60_000;

function codeOf(result: PairingRequestResult): string {
  if (result.kind !== 'code') throw new Error(`expected a code, got ${result.kind}`);
  return result.code;
}

async function refusal(pairing: Pairing, platform: string, code: string): Promise<PairingError> {
  const error = await pairing.approve(platform, code).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PairingError);
  expect((error as PairingError).code).toBe('GATEWAY_ERR_PAIRING');
  return error as PairingError;
}

/** A well-formed code that was not issued. */
const NOT_ISSUED = 'ZZZZZZZZ';

describe('pairing codes', () => {
  it('are 8 characters of an alphabet of 32 without 0, O, 1 or I', () => {
    expect(PAIRING_ALPHABET).toHaveLength(32);
    expect(new Set(PAIRING_ALPHABET).size).toBe(32);
    for (const c of '0O1I') expect(PAIRING_ALPHABET).not.toContain(c);
    for (let i = 0; i < 200; i += 1) expect(generatePairingCode()).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
  });

  it('come from the random source', () => {
    expect(generatePairingCode(sequenceRandom([0, 1, 2, 3, 4, 5, 6, 31]))).toBe('ABCDEFG9');
  });

  it('are different each time from the cryptographic source', () => {
    const codes = new Set(Array.from({ length: 100 }, () => generatePairingCode()));
    expect(codes.size).toBe(100);
  });
});

describe('requesting and approving', () => {
  it('approves the code typed in any case with spaces around, once, and tells the user once', async () => {
    const { pairing } = memoryPairing();
    const result = await pairing.request('telegram', '42', 'Ada', 'dm-42');
    expect(result).toMatchObject({ kind: 'code' });
    const code = codeOf(result);
    expect(await pairing.isApproved('telegram', '42')).toBe(false);

    expect(await pairing.approve('telegram', `  ${code.toLowerCase()} `)).toEqual({
      platform: 'telegram',
      userId: '42',
      userName: 'Ada',
      chatId: 'dm-42',
    });
    expect(await pairing.isApproved('telegram', '42')).toBe(true);
    expect(await pairing.isApproved('discord', '42')).toBe(false);
    expect(await pairing.takeApprovalNotice('telegram', '42')).toBe(true);
    expect(await pairing.takeApprovalNotice('telegram', '42')).toBe(false);

    const again = await refusal(pairing, 'telegram', code);
    expect(again.reason).toBe('wrong_code');
  });

  it('refuses the code on another platform', async () => {
    const { pairing } = memoryPairing();
    const code = codeOf(await pairing.request('telegram', '42', 'Ada', 'dm-42'));
    expect((await refusal(pairing, 'discord', code)).reason).toBe('wrong_code');
    expect(await pairing.isApproved('discord', '42')).toBe(false);
  });

  it('expires a code after 1 hour with a message that says so', async () => {
    const { pairing, clock } = memoryPairing();
    const code = codeOf(await pairing.request('telegram', '42', 'Ada', 'dm-42'));
    clock.advance(PAIRING_CODE_TTL_MS);
    const error = await refusal(pairing, 'telegram', code);
    expect(error.reason).toBe('expired');
    expect(error.message).toContain('expired at 2026-01-01T13:00:00.000Z');
    expect(error.message).toContain('Ask Ada to send the bot a message for a new code');
    expect(await pairing.isApproved('telegram', '42')).toBe(false);
  });

  it('still approves a code one millisecond before it expires', async () => {
    const { pairing, clock } = memoryPairing();
    const code = codeOf(await pairing.request('telegram', '42', 'Ada', 'dm-42'));
    clock.advance(PAIRING_CODE_TTL_MS - 1);
    await pairing.approve('telegram', code);
    expect(await pairing.isApproved('telegram', '42')).toBe(true);
  });
});

describe('rate limit: one request per user per 10 minutes', () => {
  it('refuses a second request within 10 minutes and says when a new one is possible', async () => {
    const { pairing, clock } = memoryPairing();
    const first = codeOf(await pairing.request('telegram', '42', 'Ada', 'dm-42'));
    clock.advance(PAIRING_REQUEST_INTERVAL_MS - 1);
    expect(await pairing.request('telegram', '42', 'Ada', 'dm-42')).toEqual({
      kind: 'rate_limited',
      retryAt: clock.now() + 1,
    });
    // The first code still works after the refused request.
    await pairing.approve('telegram', first);
    expect(await pairing.isApproved('telegram', '42')).toBe(true);
  });

  it('gives a new code after 10 minutes, and the old one stops working', async () => {
    const { pairing, clock } = memoryPairing();
    const first = codeOf(await pairing.request('telegram', '42', 'Ada', 'dm-42'));
    clock.advance(PAIRING_REQUEST_INTERVAL_MS);
    const second = codeOf(await pairing.request('telegram', '42', 'Ada', 'dm-42'));
    expect(second).not.toBe(first);
    expect((await refusal(pairing, 'telegram', first)).reason).toBe('wrong_code');
    await pairing.approve('telegram', second);
    expect(await pairing.isApproved('telegram', '42')).toBe(true);
  });

  it('limits each user on their own', async () => {
    const { pairing } = memoryPairing();
    await pairing.request('telegram', '1', undefined, 'dm-1');
    expect((await pairing.request('telegram', '2', undefined, 'dm-2')).kind).toBe('code');
    expect((await pairing.request('discord', '1', undefined, 'dm-1')).kind).toBe('code');
  });
});

describe('at most 3 pending requests per platform', () => {
  it('refuses a fourth stranger until a request expires or is approved', async () => {
    const { pairing, clock } = memoryPairing();
    const codes = [];
    for (const user of ['1', '2', '3'])
      codes.push(codeOf(await pairing.request('telegram', user, undefined, 'c')));
    expect(await pairing.request('telegram', '4', undefined, 'c')).toEqual({
      kind: 'too_many_pending',
      pending: 3,
    });
    expect((await pairing.request('discord', '4', undefined, 'c')).kind).toBe('code');

    await pairing.approve('telegram', codes[0] as string);
    expect((await pairing.request('telegram', '4', undefined, 'c')).kind).toBe('code');
    expect((await pairing.request('telegram', '5', undefined, 'c')).kind).toBe('too_many_pending');

    clock.advance(PAIRING_CODE_TTL_MS);
    expect((await pairing.request('telegram', '5', undefined, 'c')).kind).toBe('code');
  });

  it('does not count a refused request as pending', async () => {
    const { pairing } = memoryPairing();
    for (const user of ['1', '2', '3']) await pairing.request('telegram', user, undefined, 'c');
    await pairing.request('telegram', '4', undefined, 'c');
    expect((await pairing.list()).pending.map((p) => p.userId)).toEqual(['1', '2', '3']);
  });
});

describe('lock-out after 5 failed approvals', () => {
  it('counts down the attempts, then locks the platform for 1 hour, even for the right code', async () => {
    const { pairing, clock } = memoryPairing();
    const code = codeOf(await pairing.request('telegram', '42', 'Ada', 'dm-42'));
    for (let left = 4; left >= 1; left -= 1) {
      const error = await refusal(pairing, 'telegram', NOT_ISSUED);
      expect(error.reason).toBe('wrong_code');
      expect(error.message).toContain(`${left} more failed attempt${left === 1 ? '' : 's'} lock approvals`);
    }
    const fifth = await refusal(pairing, 'telegram', 'garbage');
    expect(fifth.reason).toBe('locked');
    const until = clock.now() + PAIRING_LOCKOUT_MS;
    expect(fifth.lockedUntil).toBe(until);
    expect(fifth.message).toContain(`locked until ${new Date(until).toISOString()}`);

    clock.advance(PAIRING_LOCKOUT_MS - 1);
    const locked = await refusal(pairing, 'telegram', code);
    expect(locked.reason).toBe('locked');
    expect(locked.lockedUntil).toBe(until);
    expect(await pairing.isApproved('telegram', '42')).toBe(false);
    expect(await pairing.lockedUntil('telegram')).toBe(until);
  });

  it('locks only the platform that failed', async () => {
    const { pairing } = memoryPairing();
    for (let i = 0; i < 5; i += 1) await refusal(pairing, 'telegram', NOT_ISSUED);
    const code = codeOf(await pairing.request('discord', '7', undefined, 'dm-7'));
    await pairing.approve('discord', code);
    expect(await pairing.isApproved('discord', '7')).toBe(true);
  });

  it('approves again once the hour has passed', async () => {
    const { pairing, clock } = memoryPairing();
    for (let i = 0; i < 5; i += 1) await refusal(pairing, 'telegram', NOT_ISSUED);
    clock.advance(PAIRING_LOCKOUT_MS);
    expect(await pairing.lockedUntil('telegram')).toBeUndefined();
    const code = codeOf(await pairing.request('telegram', '42', undefined, 'dm-42'));
    await pairing.approve('telegram', code);
    expect(await pairing.isApproved('telegram', '42')).toBe(true);
  });

  it('forgets failures after a successful approval', async () => {
    const { pairing } = memoryPairing();
    for (let i = 0; i < 4; i += 1) await refusal(pairing, 'telegram', NOT_ISSUED);
    await pairing.approve('telegram', codeOf(await pairing.request('telegram', '1', undefined, 'c')));
    for (let i = 0; i < 4; i += 1)
      expect((await refusal(pairing, 'telegram', NOT_ISSUED)).reason).toBe('wrong_code');
  });

  it('does not count an expired code as a failed attempt', async () => {
    const { pairing, clock } = memoryPairing();
    const code = codeOf(await pairing.request('telegram', '42', undefined, 'c'));
    clock.advance(PAIRING_CODE_TTL_MS);
    for (let i = 0; i < 6; i += 1) expect((await refusal(pairing, 'telegram', code)).reason).toBe('expired');
  });
});

describe('list, revoke and clear-pending', () => {
  it('lists pending requests with user and age (not expired ones) and approved users', async () => {
    const { pairing, clock } = memoryPairing();
    const code = codeOf(await pairing.request('telegram', '1', 'Ada', 'dm-1'));
    clock.advance(5 * MINUTE);
    await pairing.request('discord', '2', 'Bob', 'dm-2');
    clock.advance(5 * MINUTE);
    await pairing.approve('telegram', code);
    await pairing.request('sms', '3', undefined, 'dm-3');
    clock.advance(PAIRING_CODE_TTL_MS - 5 * MINUTE);
    const overview = await pairing.list();
    expect(overview.pending).toEqual([
      {
        platform: 'sms',
        userId: '3',
        userName: null,
        chatId: 'dm-3',
        createdAt: clock.now() - (PAIRING_CODE_TTL_MS - 5 * MINUTE),
        expiresAt: clock.now() + 5 * MINUTE,
        ageMs: PAIRING_CODE_TTL_MS - 5 * MINUTE,
      },
    ]);
    expect(overview.approved).toEqual([
      {
        platform: 'telegram',
        userId: '1',
        userName: 'Ada',
        approvedAt: clock.now() - (PAIRING_CODE_TTL_MS - 5 * MINUTE),
      },
    ]);
  });

  it('revokes an approved user', async () => {
    const { pairing } = memoryPairing();
    await pairing.approve('telegram', codeOf(await pairing.request('telegram', '42', 'Ada', 'dm-42')));
    expect(await pairing.revoke('telegram', '42')).toBe(true);
    expect(await pairing.isApproved('telegram', '42')).toBe(false);
    expect((await pairing.list()).approved).toEqual([]);
    expect(await pairing.revoke('telegram', '42')).toBe(false);
  });

  it('a revoked user has to pair again (and gets a fresh notice)', async () => {
    const { pairing, clock } = memoryPairing();
    await pairing.approve('telegram', codeOf(await pairing.request('telegram', '42', 'Ada', 'dm-42')));
    await pairing.takeApprovalNotice('telegram', '42');
    await pairing.revoke('telegram', '42');
    clock.advance(PAIRING_REQUEST_INTERVAL_MS);
    await pairing.approve('telegram', codeOf(await pairing.request('telegram', '42', 'Ada', 'dm-42')));
    expect(await pairing.takeApprovalNotice('telegram', '42')).toBe(true);
  });

  it('clears pending requests: their codes stop working and the users may ask again', async () => {
    const { pairing } = memoryPairing();
    const a = codeOf(await pairing.request('telegram', '1', undefined, 'c'));
    await pairing.request('discord', '2', undefined, 'c');
    expect(await pairing.clearPending()).toBe(2);
    expect((await pairing.list()).pending).toEqual([]);
    expect((await refusal(pairing, 'telegram', a)).reason).toBe('wrong_code');
    expect((await pairing.request('telegram', '1', undefined, 'c')).kind).toBe('code');
  });

  it('clears the pending requests of one platform only when asked', async () => {
    const { pairing } = memoryPairing();
    await pairing.request('telegram', '1', undefined, 'c');
    await pairing.request('discord', '2', undefined, 'c');
    expect(await pairing.clearPending('discord')).toBe(1);
    expect((await pairing.list()).pending.map((p) => p.platform)).toEqual(['telegram']);
  });
});
