/**
 * `hermes pairing approve | list | revoke | clear-pending`, run as the real command
 * against `$HERMES_HOME/state.db` holding requests made by the gateway's pairing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PAIRING_CODE_TTL_MS, Pairing } from '../../src/access/pairing.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import { runHermes, tempDir } from '../cli/run-hermes.ts';
import { TEST_HASH_COST } from './pairing-fixtures.ts';

/** Opens the home's database the way the gateway does and runs `work` with its pairing. */
async function withGatewayPairing<T>(
  home: string,
  work: (pairing: Pairing, store: ReturnType<typeof createSqliteStore>) => Promise<T>,
  now: () => number = Date.now,
): Promise<T> {
  const store = createSqliteStore({ path: join(home, 'state.db'), now });
  await store.migrate();
  try {
    return await work(new Pairing({ store: store.pairing, now, hashCost: TEST_HASH_COST }), store);
  } finally {
    await store.close();
  }
}

/** Asks for a code as the gateway does when a stranger writes. */
async function requestCode(
  home: string,
  platform: string,
  userId: string,
  userName?: string,
): Promise<string> {
  return withGatewayPairing(home, async (pairing) => {
    const result = await pairing.request(platform, userId, userName, `dm-${userId}`);
    if (result.kind !== 'code') throw new Error(`no code: ${result.kind}`);
    return result.code;
  });
}

const pairingCli = (home: string, ...args: string[]) =>
  runHermes(['pairing', ...args], { HERMES_HOME: home });

describe('hermes pairing', () => {
  it('approves a code, lists the user as approved, and the gateway then sees them approved', async () => {
    const home = tempDir();
    const code = await requestCode(home, 'telegram', '42', 'Ada');
    await requestCode(home, 'discord', '7');

    const listed = await pairingCli(home, 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('Pending pairing requests (2):');
    expect(listed.stdout).toMatch(
      /telegram {2}Ada \(42\) {2}asked (less than a minute|1 minute) ago, expires in 59 minutes/,
    );
    expect(listed.stdout).toContain('discord  7  asked');
    expect(listed.stdout).toContain('No approved users.');
    expect(listed.stdout).not.toContain(code);

    const approved = await pairingCli(home, 'approve', 'telegram', code.toLowerCase());
    expect(approved.stderr).toBe('');
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain('✅ Approved Ada (42) on telegram.');

    const after = await pairingCli(home, 'list');
    expect(after.stdout).toContain('Pending pairing requests (1):');
    expect(after.stdout).toContain('Approved users (1):');
    expect(after.stdout).toMatch(/telegram {2}Ada \(42\) {2}approved \d{4}-\d\d-\d\dT/);

    expect(await withGatewayPairing(home, (pairing) => pairing.isApproved('telegram', '42'))).toBe(true);
    for (const entry of readdirSync(home, { recursive: true, withFileTypes: true })) {
      if (entry.isFile())
        expect(readFileSync(join(entry.parentPath, entry.name)).toString('latin1')).not.toContain(code);
    }
    expect(readFileSync(join(home, 'logs', 'gateway.log'), 'utf8')).toContain('pairing approved');
  });

  it('refuses a wrong code with exit 1 and says how many attempts are left', async () => {
    const home = tempDir();
    await requestCode(home, 'telegram', '42');
    const run = await pairingCli(home, 'approve', 'telegram', 'ZZZZZZZZ');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('That code does not match any pending pairing request on telegram.');
    expect(run.stderr).toContain('4 more failed attempts lock approvals on telegram for 1 hour');
  });

  it('refuses an expired code with exit 1 and says it expired', async () => {
    const home = tempDir();
    const earlier = Date.now() - PAIRING_CODE_TTL_MS - 60_000;
    const code = await withGatewayPairing(
      home,
      async (pairing) => {
        const result = await pairing.request('telegram', '42', 'Ada', 'dm-42');
        return result.kind === 'code' ? result.code : '';
      },
      () => earlier,
    );
    const run = await pairingCli(home, 'approve', 'telegram', code);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('That pairing code for telegram expired at');
    expect(run.stderr).toContain('Ask Ada to send the bot a message for a new code.');
    expect(await withGatewayPairing(home, (pairing) => pairing.isApproved('telegram', '42'))).toBe(false);
  });

  it('locks approvals after the fifth failure and says until when, even for the right code', async () => {
    const home = tempDir();
    const code = await requestCode(home, 'telegram', '42');
    await withGatewayPairing(home, async (_pairing, store) => {
      for (let i = 0; i < 4; i += 1) {
        await store.pairing.recordFailure('telegram', Date.now(), {
          maxFailures: 5,
          windowMs: 3_600_000,
          lockMs: 3_600_000,
        });
      }
    });
    const fifth = await pairingCli(home, 'approve', 'telegram', 'ZZZZZZZZ');
    expect(fifth.code).toBe(1);
    expect(fifth.stderr).toMatch(/approvals on telegram are locked until \d{4}-\d\d-\d\dT[\d:.]+Z/);

    const right = await pairingCli(home, 'approve', 'telegram', code);
    expect(right.code).toBe(1);
    expect(right.stderr).toMatch(
      /Approvals on telegram are locked until \d{4}-\d\d-\d\dT[\d:.]+Z after 5 failed attempts/,
    );
  });

  it('revokes an approved user, and refuses to revoke someone who is not approved', async () => {
    const home = tempDir();
    const code = await requestCode(home, 'telegram', '42');
    expect((await pairingCli(home, 'approve', 'telegram', code)).code).toBe(0);

    const revoked = await pairingCli(home, 'revoke', 'telegram', '42');
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('Revoked telegram user 42');
    expect(await withGatewayPairing(home, (pairing) => pairing.isApproved('telegram', '42'))).toBe(false);

    const again = await pairingCli(home, 'revoke', 'telegram', '42');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('telegram user 42 is not an approved user');
  });

  it('clears pending requests so their codes stop working', async () => {
    const home = tempDir();
    const code = await requestCode(home, 'telegram', '1');
    await requestCode(home, 'discord', '2');
    const cleared = await pairingCli(home, 'clear-pending');
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toContain('Cleared 2 pending pairing requests.');
    expect((await pairingCli(home, 'list')).stdout).toContain('No pending pairing requests.');
    expect((await pairingCli(home, 'approve', 'telegram', code)).code).toBe(1);
  });

  it('explains its usage when arguments are missing', async () => {
    const run = await pairingCli(tempDir(), 'approve', 'telegram');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("missing required argument 'code'");
  });
});
