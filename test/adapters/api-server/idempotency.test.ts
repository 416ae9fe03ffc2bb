import { ConflictError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, type Harness, startHarness } from './harness.ts';

describe('api server: Idempotency-Key', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('uses the Idempotency-Key as the completion id', async () => {
    h = await startHarness();
    const completion = await h
      .client()
      .chat.completions.create(chatBody('keyed'), { headers: { 'Idempotency-Key': 'req-0001' } });
    expect(completion.id).toBe('req-0001');
    expect(h.gateway.accepted[0]!.platformMessageId).toBe('req-0001');
  });

  it('attaches a duplicate to the pending answer: one run, the same answer twice', async () => {
    h = await startHarness();
    h.gateway.behaviour = 'hold';
    const client = h.client();
    const headers = { 'Idempotency-Key': 'retry-me' };
    const first = client.chat.completions.create(chatBody('only once'), { headers });
    await h.gateway.acceptedCount(1);
    const second = client.chat.completions.create(chatBody('only once'), { headers });
    const third = client.chat.completions.create({ ...chatBody('only once'), stream: true }, { headers });
    await h.gateway.logLine(/duplicate request attached/);
    const stream = await third;

    await h.gateway.answer(h.gateway.held[0]!);
    const [a, b] = await Promise.all([first, second]);
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';

    expect(a.choices[0]!.message.content).toBe('ONLY ONCE');
    expect(b.choices[0]!.message.content).toBe('ONLY ONCE');
    expect(streamed).toBe('ONLY ONCE');
    expect(a.id).toBe('retry-me');
    expect(b.id).toBe('retry-me');
    expect(h.gateway.accepted).toHaveLength(1);
  });

  it('answers a duplicate with 409 duplicate_request once nothing waits for it anymore', async () => {
    h = await startHarness();
    const client = h.client();
    const headers = { 'Idempotency-Key': 'done-already' };
    await client.chat.completions.create(chatBody('first'), { headers });
    const error = await client.chat.completions.create(chatBody('first'), { headers }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('duplicate_request');
    expect(h.gateway.accepted).toHaveLength(1);
  });
});
