/**
 * Property: over random configurations (environment allowlists and allow-all
 * switches, allow_from, unauthorized_dm_behavior, earlier approvals) and random
 * senders and owner approvals, a sender is let in exactly when someone listed or
 * approved them — no stranger is ever allowed — and nobody outside a DM ever gets
 * a pairing code or a reply.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccessControl } from '../../src/access/access-control.ts';
import { allowAllVariable, allowlistVariable, type PlatformsConfig } from '../../src/access/allowlist.ts';
import type { ChatType } from '../../src/adapters/contract.ts';
import type { PlatformSettings } from '../../src/config/schema.ts';
import { codeIn, memoryPairing, messageFrom } from './pairing-fixtures.ts';

const PLATFORMS = ['telegram', 'discord', 'email', 'matrix', 'my_pager'] as const;
type Platform = (typeof PLATFORMS)[number];

/** People the owner may list or approve. */
const MEMBERS = [
  '111',
  '222',
  'U0ABC',
  'alice@example.com',
  'carol@example.org',
  '@dave:matrix.org',
] as const;
/** People nobody lists; none of them matches a member's spelling. */
const STRANGERS = [
  '333',
  '1111',
  'u0abc',
  'mallory@example.com',
  'alicia@example.com',
  '@eve:matrix.org',
  '',
];

/**
 * Shares only the local part with a member: let in exactly when an entry spells that
 * member by local part alone (the documented rule: list full addresses to pin the domain).
 */
const NAMESAKE = 'alice@evil.example.org';

/** Ways an allowlist entry may spell a member (addresses match in any case, and by local part). */
function spellings(member: string): string[] {
  const local = /^([^@]+)@[^@]+\.[^@]+$/.exec(member)?.[1];
  return local === undefined ? [member] : [member, member.toUpperCase(), local];
}

/** True about once in `n` draws. */
const rarely = (n: number): fc.Arbitrary<boolean> =>
  fc.oneof({ weight: n - 1, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });

const entryArb = fc
  .constantFrom(...MEMBERS)
  .chain((member) => fc.constantFrom(...spellings(member)).map((spelling) => ({ member, spelling })));

const listArb = fc.array(entryArb, { maxLength: 3 });

interface PlatformSetup {
  envList: { member: string; spelling: string }[];
  allowAll: boolean;
  allowFrom: { member: string; spelling: string }[];
  allowFromAsText: boolean;
  dmBehavior: 'pair' | 'ignore' | undefined;
  approved: string[];
}

const platformSetupArb: fc.Arbitrary<PlatformSetup> = fc.record({
  envList: listArb,
  allowAll: rarely(5),
  allowFrom: listArb,
  allowFromAsText: fc.boolean(),
  dmBehavior: fc.constantFrom<'pair' | 'ignore' | undefined>('pair', 'ignore', undefined),
  approved: fc.subarray([...MEMBERS], { maxLength: 2 }),
});

const setupArb = fc.record({
  perPlatform: fc.record(
    Object.fromEntries(PLATFORMS.map((p) => [p, platformSetupArb])) as Record<
      Platform,
      fc.Arbitrary<PlatformSetup>
    >,
  ),
  gatewayList: listArb,
  gatewayAllowAll: rarely(10),
  noise: fc.constantFrom('', ' , ', 'false', 'no'),
});

type Step =
  | { kind: 'message'; platform: Platform; userId: string; chatType: ChatType }
  | { kind: 'approve_last_code' }
  | { kind: 'wait'; minutes: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('message' as const),
      platform: fc.constantFrom(...PLATFORMS),
      userId: fc.constantFrom(...MEMBERS, ...STRANGERS, NAMESAKE),
      chatType: fc.constantFrom<ChatType>('dm', 'dm', 'group', 'channel', 'thread'),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'approve_last_code' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('wait' as const), minutes: fc.integer({ min: 1, max: 90 }) }),
  },
);

describe('no unauthorized sender gets in', () => {
  it('allows exactly the listed, approved or allow-all senders; codes only in DMs', async () => {
    await fc.assert(
      fc.asyncProperty(setupArb, fc.array(stepArb, { minLength: 1, maxLength: 25 }), async (setup, steps) => {
        const env: Record<string, string> = {
          GATEWAY_ALLOWED_USERS: setup.gatewayList.map((e) => e.spelling).join(','),
          GATEWAY_ALLOW_ALL_USERS: setup.gatewayAllowAll ? 'true' : setup.noise,
        };
        const platforms: Record<string, PlatformSettings> = {};
        const authorized = new Set<string>();
        const key = (platform: string, userId: string): string => `${platform}\u0000${userId}`;
        const { pairing, store, clock } = memoryPairing();

        for (const platform of PLATFORMS) {
          const s = setup.perPlatform[platform];
          env[allowlistVariable(platform)] = s.envList.map((e) => e.spelling).join(',');
          env[allowAllVariable(platform)] = s.allowAll ? 'TRUE' : setup.noise;
          const allowFrom = s.allowFrom.map((e) => e.spelling);
          platforms[platform] = {
            ...(s.dmBehavior ? { unauthorized_dm_behavior: s.dmBehavior } : {}),
            extra: { allow_from: s.allowFromAsText ? allowFrom.join(', ') : allowFrom },
          };
          for (const e of [...s.envList, ...s.allowFrom, ...setup.gatewayList]) {
            authorized.add(key(platform, e.member));
            if (e.spelling === 'alice') authorized.add(key(platform, NAMESAKE));
          }
          for (const member of s.approved) {
            await store.pairing.addRequest(
              {
                platform,
                userId: member,
                userName: null,
                chatId: 'dm',
                codeHash: 'x',
                salt: 'y',
                createdAt: clock.now() - 7_200_000,
                expiresAt: clock.now() - 3_600_000,
              },
              { maxPendingPerPlatform: 99, minIntervalMs: 0 },
            );
            await store.pairing.approve(platform, member, clock.now());
            authorized.add(key(platform, member));
          }
        }
        const allowAll = (platform: Platform) =>
          setup.gatewayAllowAll || setup.perPlatform[platform].allowAll;
        const access = new AccessControl({
          pairing,
          env,
          platforms: platforms as PlatformsConfig,
          log: { info() {}, warn() {} },
          now: clock.now,
        });

        let lastCode: { platform: Platform; userId: string; code: string } | undefined;
        for (const step of steps) {
          if (step.kind === 'wait') {
            clock.advance(step.minutes * 60_000);
            continue;
          }
          if (step.kind === 'approve_last_code') {
            if (lastCode === undefined) continue;
            const done = await pairing.approve(lastCode.platform, lastCode.code).then(
              () => true,
              () => false,
            );
            if (done) authorized.add(key(lastCode.platform, lastCode.userId));
            lastCode = undefined;
            continue;
          }
          const { platform, userId, chatType } = step;
          const decision = await access.authorize(
            messageFrom(userId, { platform, chatType, chatId: chatType === 'dm' ? `dm-${userId}` : 'room' }),
          );
          const expected = allowAll(platform) || authorized.has(key(platform, userId));
          expect(decision.kind === 'allow', `${platform} ${JSON.stringify(userId)} in a ${chatType}`).toBe(
            expected,
          );
          if (chatType !== 'dm') expect(decision.kind === 'allow' || decision.kind === 'ignore').toBe(true);
          if (decision.kind === 'pair') {
            expect(chatType).toBe('dm');
            if (/^Pairing code: /m.test(decision.reply))
              lastCode = { platform, userId, code: codeIn(decision.reply) };
          }
        }
        for (const request of await store.pairing.listRequests()) {
          expect(request.chatId.startsWith('dm')).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});
