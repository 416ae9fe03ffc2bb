/**
 * /insights [days]: usage analytics from the transcript — sessions, turns and
 * tokens, by platform and by model — over the last days (default 7).
 */
import { describe, expect, it } from 'vitest';
import type { Fake } from './fake-services.ts';
import { fakeServices, NOW, say } from './fake-services.ts';

const DAY = 86_400_000;

async function answer(fake: Fake, sessionKey: string, model: string | null, daysAgo: number, tokens: number) {
  const createdAt = NOW - daysAgo * DAY;
  const base = { sessionKey, conversationId: `${sessionKey}/1`, inboxId: null, createdAt };
  await fake.store.transcript.append({
    ...base,
    role: 'user',
    content: 'q',
    inputTokens: 0,
    outputTokens: 0,
    model: null,
  });
  await fake.store.transcript.append({
    ...base,
    role: 'assistant',
    content: 'a',
    inputTokens: tokens,
    outputTokens: tokens / 10,
    model,
  });
}

describe('/insights', () => {
  it('summarizes the last 7 days by platform and by model', async () => {
    const fake = await fakeServices();
    await answer(fake, 'telegram:dm:1', 'gpt-4o', 1, 1000);
    await answer(fake, 'telegram:dm:1', 'gpt-4o', 2, 1000);
    await answer(fake, 'discord:group:9:5', 'llama3', 6, 300);
    await answer(fake, 'telegram:dm:2', null, 3, 10);
    await answer(fake, 'slack:dm:old', 'gpt-4o', 8, 99_999);
    expect(await say(fake, '/insights')).toBe(
      [
        '📈 Usage in the last 7 days',
        'Total: 3 sessions, 4 turns, 2,310 in / 231 out',
        'By platform:',
        '• telegram: 2 sessions, 3 turns, 2,010 in / 201 out',
        '• discord: 1 session, 1 turn, 300 in / 30 out',
        'By model:',
        '• gpt-4o: 1 session, 2 turns, 2,000 in / 200 out',
        '• llama3: 1 session, 1 turn, 300 in / 30 out',
        '• unnamed: 1 session, 1 turn, 10 in / 1 out',
      ].join('\n'),
    );
  });

  it('covers the number of days asked for', async () => {
    const fake = await fakeServices();
    await answer(fake, 'telegram:dm:1', 'gpt-4o', 0.5, 100);
    await answer(fake, 'slack:dm:old', 'gpt-4o', 20, 500);
    expect((await say(fake, '/insights 1'))?.split('\n').slice(0, 2)).toEqual([
      '📈 Usage in the last day',
      'Total: 1 session, 1 turn, 100 in / 10 out',
    ]);
    expect((await say(fake, '/insights 30'))?.split('\n').slice(0, 2)).toEqual([
      '📈 Usage in the last 30 days',
      'Total: 2 sessions, 2 turns, 600 in / 60 out',
    ]);
  });

  it('says when there was no usage', async () => {
    const fake = await fakeServices();
    expect(await say(fake, '/insights')).toBe('📈 No usage in the last 7 days.');
  });

  it.each(['0', '-3', '2.5', 'week', '9999'])('refuses %j as a number of days', async (days) => {
    const fake = await fakeServices();
    expect(await say(fake, `/insights ${days}`)).toBe(
      'Usage: /insights [days] — a whole number of days from 1 to 3650.',
    );
  });
});
