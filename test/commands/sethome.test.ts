/**
 * /sethome: this chat becomes the platform's home channel, kept in the store.
 */
import { describe, expect, it } from 'vitest';
import { readHomeChannel } from '../../src/commands/home-channel.ts';
import { fakeServices, NOW, say } from './fake-services.ts';

describe('/sethome', () => {
  it("makes this chat the platform's home channel, durably", async () => {
    const fake = await fakeServices();
    expect(await say(fake, '/sethome', { message: { chatType: 'group', chatId: '-100', userId: '7' } })).toBe(
      '🏠 This chat is now the home channel of telegram.',
    );
    expect(await readHomeChannel(fake.store.meta, 'telegram')).toEqual({
      platform: 'telegram',
      chatId: '-100',
      chatType: 'group',
      threadId: null,
      setBy: '7',
      setAt: NOW,
    });
    expect(await readHomeChannel(fake.store.meta, 'discord')).toBeUndefined();
  });

  it('replaces the previous home channel and says which one it was', async () => {
    const fake = await fakeServices();
    await say(fake, '/sethome', { message: { chatId: 'a' } });
    expect(
      await say(fake, '/sethome', { message: { chatType: 'thread', chatId: 'b', threadId: 't1' } }),
    ).toBe('🏠 This chat is now the home channel of telegram (instead of chat a).');
    expect(await readHomeChannel(fake.store.meta, 'telegram')).toMatchObject({ chatId: 'b', threadId: 't1' });
    expect(await say(fake, '/sethome', { message: { chatId: 'b', threadId: 't1' } })).toBe(
      '🏠 This chat already is the home channel of telegram.',
    );
  });

  it('keeps one home channel per platform', async () => {
    const fake = await fakeServices();
    await say(fake, '/sethome', { message: { chatId: 'tg' } });
    await say(fake, '/sethome', { message: { platform: 'discord', chatId: 'dc' } });
    expect((await readHomeChannel(fake.store.meta, 'telegram'))?.chatId).toBe('tg');
    expect((await readHomeChannel(fake.store.meta, 'discord'))?.chatId).toBe('dc');
  });

  it('ignores an unreadable stored value', async () => {
    const fake = await fakeServices();
    await fake.store.meta.set('home_channel:telegram', '{not json');
    expect(await readHomeChannel(fake.store.meta, 'telegram')).toBeUndefined();
    expect(await say(fake, '/sethome')).toBe('🏠 This chat is now the home channel of telegram.');
  });
});
