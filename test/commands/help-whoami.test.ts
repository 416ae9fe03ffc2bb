/**
 * /help lists only what the caller may run here; /whoami tells scope, tier and
 * runnable commands. Both are always allowed.
 */
import { describe, expect, it } from 'vitest';
import { fakeServices, say } from './fake-services.ts';

const TIERED = {
  gateway: {
    platforms: {
      telegram: { extra: { allow_admin_from: '1', user_allowed_commands: 'status, model' } },
    },
  },
};

describe('/help', () => {
  it('shows a user only /help, /whoami and their listed commands, with argument hints', async () => {
    const fake = await fakeServices({ config: TIERED });
    expect(await say(fake, '/help', { message: { userId: '2' } })).toBe(
      [
        'Commands:',
        '/help — List the commands you can run here',
        '/whoami — Your command permissions here',
        '/status — Show the session: state, conversation, queue, settings',
        "/model [provider:model] — Show or switch this chat's model",
      ].join('\n'),
    );
  });

  it('shows an admin every command, aliases and hints included', async () => {
    const fake = await fakeServices({ config: TIERED });
    const help = await say(fake, '/help', { message: { userId: '1' } });
    expect(help).toContain('/new (/reset) — Start a new conversation');
    expect(help).toContain('/personality [name|none] — ');
    expect(help).toContain('/reasoning [level|show|hide] — ');
    expect(help).toContain('/insights [days] — Usage analytics');
    expect(help).toContain("/sethome — Make this chat the platform's home channel");
  });

  it('shows everything where tiers are off', async () => {
    const fake = await fakeServices();
    const help = await say(fake, '/help');
    expect(help?.split('\n').length).toBeGreaterThan(15);
    expect(help).toContain('/model [provider:model]');
  });
});

describe('/whoami', () => {
  it('tells a user their scope, tier and the commands they can run', async () => {
    const fake = await fakeServices({ config: TIERED });
    expect(await say(fake, '/whoami', { message: { userId: '2', userName: 'Bob' } })).toBe(
      [
        'You: Bob (2) on telegram',
        'Scope: direct message',
        'Tier: user — the commands user_allowed_commands lists, plus /help and /whoami',
        'You can run: /help, /whoami, /status, /model',
      ].join('\n'),
    );
  });

  it('tells an admin they run every command', async () => {
    const fake = await fakeServices({ config: TIERED });
    const text = await say(fake, '/whoami', { message: { userId: '1', userName: undefined } });
    expect(text).toMatch(/^You: 1 on telegram\nScope: direct message\n/);
    expect(text).toContain('Tier: admin — every command (you are in allow_admin_from)');
    expect(text).toContain('/insights');
  });

  it('tells everyone in a scope without an admin list that tiers are off', async () => {
    const fake = await fakeServices({ config: TIERED });
    const text = await say(fake, '/whoami', { message: { chatType: 'thread', userId: '2' } });
    expect(text).toContain('Scope: group, channel or thread');
    expect(text).toContain(
      'Tier: unrestricted — every command (no group_allow_admin_from list here, so tiers are off)',
    );
    expect(text).toContain('/sethome');
  });
});
