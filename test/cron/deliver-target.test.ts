import { describe, expect, it } from 'vitest';
import { CronError } from '../../src/cron/cron-error.ts';
import { DELIVER_FORMS, formatDeliverTarget, parseDeliverTarget } from '../../src/cron/deliver-target.ts';

describe('delivery targets', () => {
  it('reads a home channel and a chat, with or without a thread, and writes them back', () => {
    const cases = [
      ['home:telegram', { kind: 'home', platform: 'telegram' }],
      ['origin:telegram:dm:42', { kind: 'origin', platform: 'telegram', chatType: 'dm', chatId: '42' }],
      [
        'origin:slack:thread:C0123:1712.5',
        { kind: 'origin', platform: 'slack', chatType: 'thread', chatId: 'C0123', threadId: '1712.5' },
      ],
    ] as const;
    for (const [text, target] of cases) {
      expect(parseDeliverTarget(text)).toEqual(target);
      expect(formatDeliverTarget(target)).toBe(text);
    }
  });

  it('refuses anything else with the accepted forms', () => {
    for (const text of [
      'telegram',
      'home:',
      'home:telegram:42',
      'origin:telegram:room:42',
      'origin:telegram:dm',
    ]) {
      let error: unknown;
      try {
        parseDeliverTarget(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CronError);
      expect((error as CronError).message).toContain(`Invalid delivery target "${text}"`);
      expect((error as CronError).message).toContain(DELIVER_FORMS);
    }
  });
});
