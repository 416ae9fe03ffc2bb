/**
 * The tier gate in front of every command: admins run everything, users only
 * their scope's commands plus /help and /whoami, unrestricted callers (tiers off)
 * everything; commands and skills added later are gated the same way.
 */
import { describe, expect, it } from 'vitest';
import type { ChatType } from '../../src/adapters/contract.ts';
import { createBuiltinRegistry } from '../../src/commands/index.ts';
import type { CommandDefinition, SkillSource } from '../../src/commands/registry.ts';
import { fakeServices, say } from './fake-services.ts';

const TIERED = {
  gateway: {
    platforms: {
      telegram: {
        extra: {
          allow_admin_from: '1',
          user_allowed_commands: ['status', 'reset'],
          group_allow_admin_from: ['3'],
          group_user_allowed_commands: 'usage',
        },
      },
    },
  },
};

const ping: CommandDefinition = {
  name: 'ping',
  description: 'Answers pong',
  busyAllowed: true,
  handler: async () => ({ text: 'pong' }),
};

const SCOPES: { scope: string; chatTypes: ChatType[]; admin: string; listed: string; runnable: string }[] = [
  { scope: 'dm', chatTypes: ['dm'], admin: '1', listed: 'status', runnable: '/help, /whoami, /new, /status' },
  {
    scope: 'group',
    chatTypes: ['group', 'channel', 'thread'],
    admin: '3',
    listed: 'usage',
    runnable: '/help, /whoami, /usage',
  },
];

describe.each(SCOPES)('the tier gate in the $scope scope', ({ chatTypes, admin, listed, runnable }) => {
  for (const chatType of chatTypes) {
    const as = (userId: string) => ({ message: { chatType, userId, chatId: 'c' } });

    it(`lets the admin run an admin-only command (${chatType})`, async () => {
      const fake = await fakeServices({ config: TIERED });
      expect(await say(fake, '/reasoning high', as(admin))).toBe(
        '🧠 Reasoning effort: high. It applies from your next message.',
      );
    });

    it(`refuses a user an admin-only command and lists what they can run (${chatType})`, async () => {
      const fake = await fakeServices({ config: TIERED });
      expect(await say(fake, '/reasoning high', as('2'))).toBe(
        `⛔ /reasoning is admin-only here. You can run: ${runnable}`,
      );
      expect(fake.sent).toEqual([]);
    });

    it(`lets a user run their scope's listed command, /help and /whoami (${chatType})`, async () => {
      const fake = await fakeServices({ config: TIERED });
      expect(await say(fake, `/${listed}`, as('2'))).not.toMatch(/^⛔/);
      expect(await say(fake, '/help', as('2'))).toMatch(/^Commands:/);
      expect(await say(fake, '/whoami', as('2'))).toContain('Tier: user');
    });

    it(`gates a command registered after the registry was built (${chatType})`, async () => {
      const fake = await fakeServices({ config: TIERED });
      const registry = createBuiltinRegistry();
      registry.register(ping);
      expect(await say(fake, '/ping', { ...as('2'), registry })).toBe(
        `⛔ /ping is admin-only here. You can run: ${runnable}`,
      );
      expect(await say(fake, '/ping', { ...as(admin), registry })).toBe('pong');
    });
  }

  it('does not carry the other scope’s lists over', async () => {
    const fake = await fakeServices({ config: TIERED });
    const other = SCOPES.find((s) => s.admin !== admin)!;
    const chatType = chatTypes[0]!;
    expect(await say(fake, '/model', { message: { chatType, userId: other.admin } })).toMatch(/^⛔ \/model/);
    expect(await say(fake, `/${other.listed}`, { message: { chatType, userId: '2' } })).toMatch(/^⛔/);
  });
});

describe('the tier gate without tiers', () => {
  it('lets everyone run every command where the scope has no admin list', async () => {
    const fake = await fakeServices({
      config: { gateway: { platforms: { telegram: { extra: { allow_admin_from: '1' } } } } },
    });
    const registry = createBuiltinRegistry().register(ping);
    expect(await say(fake, '/ping', { registry, message: { chatType: 'group', userId: '2' } })).toBe('pong');
    expect(await say(fake, '/ping', { registry, message: { platform: 'discord', userId: '2' } })).toBe(
      'pong',
    );
  });
});

describe('aliases through the gate', () => {
  it('runs a command by its alias, and a listed alias allows its command', async () => {
    const fake = await fakeServices({ config: TIERED });
    const user = { message: { userId: '2' } };
    expect(await say(fake, '/reset', user)).toBe(
      '🆕 New conversation started. /resume lists the earlier ones.',
    );
    expect(await say(fake, '/new', user)).toBe(
      '🆕 New conversation started. /resume lists the earlier ones.',
    );
  });

  it('names the command as the user typed it when refusing', async () => {
    const fake = await fakeServices({
      config: { gateway: { platforms: { telegram: { extra: { allow_admin_from: '1' } } } } },
    });
    expect(await say(fake, '/reset', { message: { userId: '2' } })).toBe(
      '⛔ /reset is admin-only here. You can run: /help, /whoami',
    );
  });
});

describe('unknown commands and installed skills', () => {
  const skills: SkillSource = {
    find: (name) => (name === 'summarize' ? async (ctx) => ({ text: `summary of ${ctx.args}` }) : undefined),
  };

  it('answers an unknown command helpfully, whatever the tier', async () => {
    const fake = await fakeServices({ config: TIERED });
    for (const userId of ['1', '2']) {
      expect(await say(fake, '/frobnicate now', { message: { userId } })).toBe(
        'Unknown command /frobnicate — /help lists the commands.',
      );
    }
  });

  it('runs an installed skill after the commands, behind the same gate', async () => {
    const fake = await fakeServices({ config: TIERED });
    const registry = createBuiltinRegistry(skills);
    expect(await say(fake, '/summarize the news', { registry, message: { userId: '1' } })).toBe(
      'summary of the news',
    );
    expect(await say(fake, '/summarize the news', { registry, message: { userId: '2' } })).toBe(
      '⛔ /summarize is admin-only here. You can run: /help, /whoami, /new, /status',
    );
    const listed = await fakeServices({
      config: {
        gateway: {
          platforms: { telegram: { extra: { allow_admin_from: '1', user_allowed_commands: 'summarize' } } },
        },
      },
    });
    expect(await say(listed, '/summarize it', { registry, message: { userId: '2' } })).toBe('summary of it');
  });
});

describe('busy sessions', () => {
  it('runs settings commands while the agent works, and refuses those that cannot run then', async () => {
    const fake = await fakeServices();
    expect(await say(fake, '/model', { busy: true })).toMatch(/^Model:/);
    expect(await say(fake, '/new', { busy: true })).toBe(
      "⏳ /new can't run while I'm working on this chat. Send /stop first, or wait.",
    );
  });
});
