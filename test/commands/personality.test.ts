/**
 * /personality: shows and chooses a personality from config.yaml; `none` clears it.
 */
import { describe, expect, it } from 'vitest';
import { fakeServices, say } from './fake-services.ts';

const PERSONALITIES = {
  personalities: { pirate: 'Talk like a pirate.', concise: 'Answer in one sentence.' },
};

describe('/personality', () => {
  it('shows the current personality and the configured ones', async () => {
    const fake = await fakeServices({ config: PERSONALITIES });
    expect(await say(fake, '/personality')).toBe(
      'Personality: none\nAvailable: pirate, concise\n/personality <name> chooses one; /personality none clears it.',
    );
  });

  it('chooses a personality for this chat (any case) and shows it afterwards', async () => {
    const fake = await fakeServices({ config: PERSONALITIES });
    expect(await say(fake, '/personality Pirate')).toBe(
      '🎭 Personality for this chat: pirate. It applies from your next message.',
    );
    expect(fake.settings()?.personality).toBe('pirate');
    expect((await say(fake, '/personality'))?.split('\n')[0]).toBe('Personality: pirate');
  });

  it('clears it with none', async () => {
    const fake = await fakeServices({ config: PERSONALITIES, settings: { personality: 'pirate' } });
    expect(await say(fake, '/personality none')).toBe('🎭 Personality cleared for this chat.');
    expect(fake.settings()?.personality).toBeNull();
  });

  it('refuses an unknown name with the choices, and changes nothing', async () => {
    const fake = await fakeServices({ config: PERSONALITIES, settings: { personality: 'concise' } });
    expect(await say(fake, '/personality poet')).toBe(
      '❓ Unknown personality “poet”. Choose one of: pirate, concise — or none to clear it.',
    );
    expect(fake.settings()?.personality).toBe('concise');
  });

  it('says a chosen personality is no longer configured', async () => {
    const fake = await fakeServices({ config: PERSONALITIES, settings: { personality: 'poet' } });
    expect((await say(fake, '/personality'))?.split('\n')[0]).toBe(
      'Personality: poet — no longer in config.yaml',
    );
  });

  it('explains how to configure personalities when there are none', async () => {
    const fake = await fakeServices();
    const hint =
      'No personalities are configured: add them under personalities in config.yaml (name: system prompt).';
    expect(await say(fake, '/personality')).toBe(`Personality: none\n${hint}`);
    expect(await say(fake, '/personality pirate')).toBe(hint);
    expect(fake.sent).toEqual([]);
  });
});
