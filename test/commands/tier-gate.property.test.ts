/**
 * Property: over random tier configurations, senders and command lines, a command
 * runs only for an admin, where tiers are off, or when it is /help, /whoami or
 * listed for users in the sender's scope; every other attempt gets the refusal.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scopeOf, tierPolicy } from '../../src/access/tiers.ts';
import type { ChatType } from '../../src/adapters/contract.ts';
import { type CommandDefinition, CommandRegistry } from '../../src/commands/registry.ts';
import type { CommandServices } from '../../src/commands/services.ts';
import { validateConfig } from '../../src/config/validate-config.ts';

const USERS = ['1', '2', '3', '4'];
const NAMES = ['help', 'whoami', 'alpha', 'beta', 'gamma'];
const ALIASES: Record<string, string> = { a: 'alpha', g: 'gamma' };
const TYPABLE = [...NAMES, ...Object.keys(ALIASES), 'nope'];

const idList = fc.oneof(
  fc.constant(undefined),
  fc.subarray(USERS).map((ids) => ids.join(',')),
  fc.subarray(USERS),
);
const commandList = fc.oneof(
  fc.constant(undefined),
  fc.subarray([...NAMES, ...Object.keys(ALIASES), 'nope']),
);

const scenario = fc.record({
  extra: fc.record({
    allow_admin_from: idList,
    user_allowed_commands: commandList,
    group_allow_admin_from: idList,
    group_user_allowed_commands: commandList,
  }),
  userId: fc.constantFrom(...USERS),
  chatType: fc.constantFrom<ChatType>('dm', 'group', 'channel', 'thread'),
  typed: fc.constantFrom(...TYPABLE),
});

/** Drops the undefined keys (an absent key, as in config.yaml). */
function defined(extra: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined));
}

/** The list as a user wrote it, as entries. */
const entries = (value: string | string[] | undefined) =>
  (typeof value === 'string' ? value.split(',') : (value ?? [])).filter((e) => e !== '');

describe('the tier gate, over random configurations', () => {
  it('never runs a command the sender’s tier does not allow, and always runs one it does', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ extra, userId, chatType, typed }) => {
        const ran: string[] = [];
        const registry = new CommandRegistry();
        for (const name of NAMES) {
          const aliases = Object.keys(ALIASES).filter((a) => ALIASES[a] === name);
          const definition: CommandDefinition = {
            name,
            ...(aliases.length ? { aliases } : {}),
            description: name,
            busyAllowed: true,
            handler: async () => {
              ran.push(name);
              return { text: `ran ${name}` };
            },
          };
          registry.register(definition);
        }
        const config = validateConfig({ gateway: { platforms: { telegram: { extra: defined(extra) } } } });
        const scope = scopeOf(chatType);
        const policy = tierPolicy(config, 'telegram', scope, userId);
        const reply = await registry.dispatch(
          { name: typed, args: '' },
          {
            message: {
              platform: 'telegram',
              chatType,
              chatId: 'c',
              userId,
              text: `/${typed}`,
              platformMessageId: 'm',
            },
            sessionKey: 'telegram:x',
            tier: policy.tier,
            scope,
            busy: false,
            services: {} as CommandServices,
          },
          policy,
        );

        const admins = entries(scope === 'dm' ? extra.allow_admin_from : extra.group_allow_admin_from);
        const listed = entries(
          scope === 'dm' ? extra.user_allowed_commands : extra.group_user_allowed_commands,
        ).map((n) => ALIASES[n] ?? n);
        const canonical = ALIASES[typed] ?? typed;
        const mayRun =
          admins.length === 0 || admins.includes(userId) || ['help', 'whoami', ...listed].includes(canonical);

        if (!NAMES.includes(canonical)) {
          expect(reply.text).toBe(`Unknown command /${typed} — /help lists the commands.`);
          expect(ran).toEqual([]);
        } else if (mayRun) {
          expect(ran).toEqual([canonical]);
        } else {
          expect(ran).toEqual([]);
          expect(reply.text).toMatch(
            new RegExp(`^⛔ /${typed} is admin-only here\\. You can run: /help, /whoami`),
          );
        }
      }),
      { numRuns: 500 },
    );
  });
});
