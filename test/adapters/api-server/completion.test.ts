import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

describe('api server: non-streaming chat completions', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('answers with the gateway reply as a chat.completion object', async () => {
    h = await startHarness();
    const completion = await h.client().chat.completions.create({
      model: 'hermes-agent',
      messages: [{ role: 'user', content: 'hello gateway' }],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('hermes-agent');
    expect(completion.choices[0]!.message).toMatchObject({ role: 'assistant', content: 'HELLO GATEWAY' });
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });

  it('uses the inbound platform message id as the completion id', async () => {
    h = await startHarness();
    const completion = await h.client().chat.completions.create({
      model: 'hermes-agent',
      messages: [{ role: 'user', content: 'which id?' }],
    });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(h.gateway.accepted[0]!.platformMessageId).toBe(completion.id);
    expect(h.gateway.sendResults[0]).toEqual({ platformMessageId: completion.id });
  });

  it('hands the gateway an api dm message with the last user text', async () => {
    h = await startHarness();
    await h.client().chat.completions.create({
      model: 'hermes-agent',
      messages: [{ role: 'user', content: 'what is up' }],
    });
    expect(h.gateway.accepted[0]).toMatchObject({
      platform: 'api',
      chatType: 'dm',
      userId: 'api',
      text: 'what is up',
    });
  });

  it('passes the earlier messages as history (system, user, assistant)', async () => {
    h = await startHarness();
    await h.client().chat.completions.create({
      model: 'hermes-agent',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        { role: 'tool', content: '{"ok":true}', tool_call_id: 'call_1' },
        { role: 'user', content: 'second question' },
      ],
    });
    const message = h.gateway.accepted[0]!;
    expect(message.text).toBe('second question');
    expect(message.history).toEqual([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'first answer' },
    ]);
  });

  it('joins text parts of a multi-part message', async () => {
    h = await startHarness();
    const completion = await h.client().chat.completions.create({
      model: 'hermes-agent',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'line one' },
            { type: 'text', text: 'line two' },
          ],
        },
      ],
    });
    expect(h.gateway.accepted[0]!.text).toBe('line one\nline two');
    expect(completion.choices[0]!.message.content).toBe('LINE ONE\nLINE TWO');
  });

  it('answers each concurrent request with its own reply', async () => {
    h = await startHarness();
    const client = h.client();
    const texts = ['alpha', 'beta', 'gamma', 'delta'];
    const answers = await Promise.all(
      texts.map((text) =>
        client.chat.completions.create({
          model: 'hermes-agent',
          messages: [{ role: 'user', content: text }],
        }),
      ),
    );
    expect(answers.map((a) => a.choices[0]!.message.content)).toEqual(['ALPHA', 'BETA', 'GAMMA', 'DELTA']);
  });
});
