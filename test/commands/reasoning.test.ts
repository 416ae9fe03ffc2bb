/**
 * /reasoning: the reasoning effort (none, low, medium, high, default) and whether
 * the reasoning is shown.
 */
import { describe, expect, it } from 'vitest';
import { fakeServices, say } from './fake-services.ts';

describe('/reasoning', () => {
  it('shows the effort and the display', async () => {
    const fake = await fakeServices();
    expect(await say(fake, '/reasoning')).toBe(
      [
        'Reasoning effort: default',
        'Reasoning display: hidden',
        '/reasoning none|low|medium|high|default sets the effort; /reasoning show|hide shows or hides it.',
      ].join('\n'),
    );
  });

  it.each(['none', 'low', 'medium', 'high'])('sets the effort to %s', async (level) => {
    const fake = await fakeServices();
    expect(await say(fake, `/reasoning ${level.toUpperCase()}`)).toBe(
      `🧠 Reasoning effort: ${level}. It applies from your next message.`,
    );
    expect(fake.settings()?.reasoning).toBe(level);
    expect((await say(fake, '/reasoning'))?.split('\n')[0]).toBe(`Reasoning effort: ${level}`);
  });

  it('goes back to the default effort', async () => {
    const fake = await fakeServices({ settings: { reasoning: 'high' } });
    expect(await say(fake, '/reasoning default')).toBe(
      '🧠 Reasoning effort: default. It applies from your next message.',
    );
    expect(fake.settings()?.reasoning).toBeNull();
  });

  it('shows and hides the reasoning', async () => {
    const fake = await fakeServices();
    expect(await say(fake, '/reasoning show')).toBe("🧠 The model's reasoning will be shown in this chat.");
    expect(fake.settings()?.showReasoning).toBe(true);
    expect((await say(fake, '/reasoning'))?.split('\n')[1]).toBe('Reasoning display: shown');
    expect(await say(fake, '/reasoning hide')).toBe("🧠 The model's reasoning will be hidden in this chat.");
    expect(fake.settings()?.showReasoning).toBe(false);
  });

  it('refuses anything else with the usage, and changes nothing', async () => {
    const fake = await fakeServices();
    expect(await say(fake, '/reasoning extreme')).toBe(
      '❓ “extreme” is not a reasoning setting. Usage: /reasoning [none|low|medium|high|default|show|hide]',
    );
    expect(fake.sent).toEqual([]);
  });
});
