/**
 * Long replies: Slack keeps 40,000 characters of a message's text, counted
 * after `&`, `<` and `>` are escaped. A reply is split so that every part fits
 * after escaping, also when it was streamed into a bubble first, and nothing
 * is lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { slackTextParts, unescapeMrkdwn } from '../../../src/adapters/slack/mrkdwn-text.ts';
import { replyPath } from '../../support/reply-path.ts';
import { DM_CHANNEL, type RunningSlack, startSlack } from './harness.ts';

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

/** 39,000 characters of HTML-ish text: escaping doubles its length. */
const HEAVY = Array.from({ length: 3900 }, (_, i) =>
  `<b>${String(i).padStart(4, '0')}&</b>`.slice(0, 10),
).join('');

describe('slack: long replies', () => {
  let s: RunningSlack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('splits text whose escaped form is over the limit into parts that fit', () => {
    expect(HEAVY.length).toBe(39_000);
    const parts = slackTextParts(HEAVY);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(40_000);
    expect(parts.map(unescapeMrkdwn).join('')).toBe(HEAVY);
    expect(slackTextParts('  ')).toEqual([]);
  });

  it('finishes a streamed reply whose escaped text is over the limit without losing any of it', async () => {
    s = await startSlack('socket');
    const path = await replyPath(s.adapter);
    try {
      const run = path.begin({ chatId: DM_CHANNEL, chatType: 'dm' }, ['m1']);
      path.streams.delta(run, HEAVY.slice(0, 100));
      await path.streams.idle();
      await waitFor(() => s!.fake.botMessages(DM_CHANNEL).length === 1);
      await path.finish(run, HEAVY);
    } finally {
      await path.close();
    }
    const posted = s.fake.botMessages(DM_CHANNEL);
    expect(posted.length).toBeGreaterThan(1);
    for (const m of posted) expect(m.text.length).toBeLessThanOrEqual(40_000);
    expect(posted.map((m) => unescapeMrkdwn(m.text)).join('')).toBe(HEAVY);
    // the first part went into the streamed bubble by an edit
    expect(posted[0]?.editTimes.length).toBe(1);
  });
});
