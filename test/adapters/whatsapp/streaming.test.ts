/**
 * Streaming a reply by editing one WhatsApp message (`sendMessage` with
 * `edit: key`), no more often than every 1.5 s, ending with the final text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WHATSAPP_EDIT_INTERVAL_MS } from '../../../src/adapters/whatsapp/index.ts';
import { replyPath } from '../../support/reply-path.ts';
import { makeRig, seenMessages, testContext, USER_JID, type WhatsAppRig } from './harness.ts';

describe('streaming', () => {
  let rig: WhatsAppRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('sends the first piece, edits at most every 1.5 s, and finishes with the final text in the same bubble', async () => {
    expect(WHATSAPP_EDIT_INTERVAL_MS).toBeGreaterThanOrEqual(1500);
    rig = await makeRig();
    await rig.adapter.start(testContext().ctx);
    expect(rig.adapter.editIntervalMs).toBe(WHATSAPP_EDIT_INTERVAL_MS);
    const path = await replyPath(rig.adapter);
    try {
      const run = path.begin({ chatId: USER_JID, chatType: 'dm' }, [`${USER_JID}:IN1`]);
      path.streams.delta(run, 'Hello');
      await path.streams.idle();
      expect(rig.fake.sent.map((c) => c.content)).toEqual([{ text: 'Hello' }]);
      const startedAt = Date.now();
      for (const piece of [' wor', 'ld', ', how', ' are']) {
        path.streams.delta(run, piece);
        await sleep(100);
      }
      // 400 ms after the first piece: no edit yet
      expect(rig.fake.sent).toHaveLength(1);
      await sleep(WHATSAPP_EDIT_INTERVAL_MS + 300 - (Date.now() - startedAt));
      expect(rig.fake.sent).toHaveLength(2);
      expect(rig.fake.sent[1]?.content).toMatchObject({
        text: 'Hello world, how are',
        edit: { id: rig.fake.sent[0]?.key.id },
      });

      const result = await path.finish(run, 'Hello world, how are you?');
      expect(seenMessages(rig.fake, USER_JID).map((m) => m.text)).toEqual(['Hello world, how are you?']);
      expect(result.platformMessageId).toBe(`${USER_JID}:${rig.fake.sent[0]?.key.id}`);
    } finally {
      await path.close();
    }
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}
