/**
 * /status and /usage against the in-memory services: session info and the
 * tokens of this conversation.
 */
import { describe, expect, it } from 'vitest';
import { fakeServices, say } from './fake-services.ts';

describe('/status', () => {
  it('shows the session with its model, personality and reasoning settings', async () => {
    const fake = await fakeServices({
      settings: { model: 'openai:gpt-4o', personality: 'pirate', reasoning: 'high', showReasoning: true },
    });
    await fake.store.transcript.append({
      sessionKey: 'telegram:dm:42',
      conversationId: 'telegram:dm:42/1',
      role: 'assistant',
      content: 'hi',
      inputTokens: 12,
      outputTokens: 3,
      model: 'gpt-4o',
      inboxId: null,
    });
    expect(await say(fake, '/status')).toBe(
      [
        'Session: telegram:dm:42',
        'State: idle',
        'Conversation: telegram:dm:42/1 (1 turn(s))',
        'Queued: 0',
        'Model: openai:gpt-4o · personality pirate',
        'Reasoning: high (shown)',
        'Tokens: 12 in / 3 out',
      ].join('\n'),
    );
  });

  it('says when the chat has no session yet', async () => {
    const fake = await fakeServices({ settings: null });
    expect(await say(fake, '/status')).toBe('No session yet: send a message to start one.');
  });
});

describe('/usage', () => {
  it('sums the tokens of this conversation', async () => {
    const fake = await fakeServices();
    for (const tokens of [100, 50]) {
      await fake.store.transcript.append({
        sessionKey: 'telegram:dm:42',
        conversationId: 'telegram:dm:42/1',
        role: 'assistant',
        content: 'a',
        inputTokens: tokens,
        outputTokens: tokens / 10,
        model: 'gpt-4o',
        inboxId: null,
      });
    }
    expect(await say(fake, '/usage')).toBe(
      '📊 This conversation: 2 turn(s), 150 input + 15 output = 165 tokens.',
    );
  });

  it('says when there is no usage yet', async () => {
    const fake = await fakeServices({ settings: null });
    expect(await say(fake, '/usage')).toBe('No usage yet.');
  });
});
