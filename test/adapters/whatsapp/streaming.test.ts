/**
 * Streaming a reply by editing one WhatsApp message (`sendMessage` with
 * `edit: key`), no more often than every 1.5 s, ending with the final text.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WHATSAPP_EDIT_INTERVAL_MS } from '../../../src/adapters/whatsapp/index.ts';
import { makeRig, seenMessages, testContext, USER_JID, type WhatsAppRig } from './harness.ts';

describe('streaming', () => {
  let rig: WhatsAppRig | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await rig?.close();
    rig = undefined;
  });

  it('sends the first piece, edits at most every 1.5 s, and finishes with the final text in the same bubble', async () => {
    expect(WHATSAPP_EDIT_INTERVAL_MS).toBeGreaterThanOrEqual(1500);
    rig = await makeRig();
    await rig.adapter.start(testContext().ctx);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const target = {
      chatId: USER_JID,
      chatType: 'dm' as const,
      sessionKey: 's1',
      inReplyTo: [`${USER_JID}:IN1`],
    };
    rig.adapter.streamDelta(target, 'Hello');
    await vi.advanceTimersByTimeAsync(0);
    expect(rig.fake.sent.map((c) => c.content)).toEqual([{ text: 'Hello' }]);

    for (const piece of [' wor', 'ld', ', how', ' are']) {
      rig.adapter.streamDelta(target, piece);
      await vi.advanceTimersByTimeAsync(100);
    }
    // 400 ms after the first piece: no edit yet
    expect(rig.fake.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1100);
    expect(rig.fake.sent).toHaveLength(2);
    expect(rig.fake.sent[1]?.content).toMatchObject({
      text: 'Hello world, how are',
      edit: { id: rig.fake.sent[0]?.key.id },
    });

    const result = await rig.adapter.send({
      ...target,
      text: 'Hello world, how are you?',
      idempotencyKey: 'r1',
    });
    expect(seenMessages(rig.fake, USER_JID).map((m) => m.text)).toEqual(['Hello world, how are you?']);
    expect(result.platformMessageId).toBe(`${USER_JID}:${rig.fake.sent[0]?.key.id}`);
    expect(vi.getTimerCount()).toBe(0);
  });
});
