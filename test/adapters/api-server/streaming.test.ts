import { APIError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, pieces, startHarness } from './harness.ts';

describe('api server: streaming chat completions', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('streams the deltas in order and ends with finish_reason stop', async () => {
    h = await startHarness();
    const stream = await h.client().chat.completions.create({
      model: 'hermes-agent',
      messages: [{ role: 'user', content: 'stream me please' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const contents = chunks.map((c) => c.choices[0]?.delta.content ?? '').filter((t) => t !== '');
    expect(contents).toEqual(pieces('STREAM ME PLEASE'));
    expect(contents.length).toBeGreaterThan(1);
    const last = chunks[chunks.length - 1]!;
    expect(last.choices[0]!.finish_reason).toBe('stop');
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set([h.gateway.accepted[0]!.platformMessageId]));
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
  });

  it('ends the raw event stream with data: [DONE]', async () => {
    h = await startHarness();
    const res = await h.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'hermes-agent',
        messages: [{ role: 'user', content: 'raw' }],
        stream: true,
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    const events = text.split('\n\n').filter((e) => e !== '');
    expect(events.every((e) => e.startsWith('data: '))).toBe(true);
    expect(events[events.length - 1]).toBe('data: [DONE]');
  });

  it('sends the rest of the final text when it was not all streamed', async () => {
    h = await startHarness();
    h.gateway.behaviour = 'hold';
    const stream = await h
      .client()
      .chat.completions.create(
        { model: 'hermes-agent', messages: [{ role: 'user', content: 'partial' }], stream: true },
        { headers: { 'Idempotency-Key': 'partial-1' } },
      );
    await h.gateway.acceptedCount(1);
    const message = h.gateway.held[0]!;
    const target = {
      chatId: message.chatId,
      chatType: message.chatType,
      sessionKey: message.sessionKey!,
      inReplyTo: [message.platformMessageId],
    };
    h.adapter.streamDelta!(target, 'Hello, ');
    void h.adapter.send({
      chatId: message.chatId,
      chatType: 'dm',
      text: 'Hello, world',
      inReplyTo: [message.platformMessageId],
      idempotencyKey: 'r1',
      sessionKey: message.sessionKey!,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello, world');
  });

  it('adds a usage chunk when the client asks for include_usage', async () => {
    h = await startHarness();
    const stream = await h.client().chat.completions.create({
      model: 'hermes-agent',
      messages: [{ role: 'user', content: 'count tokens' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks[chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });

  it('turns a failed run into an error event the SDK throws', async () => {
    h = await startHarness();
    h.gateway.behaviour = 'fail';
    const consume = async () => {
      const stream = await h.client().chat.completions.create({
        model: 'hermes-agent',
        messages: [{ role: 'user', content: 'fail please' }],
        stream: true,
      });
      for await (const _chunk of stream) {
        // drain
      }
    };
    const error = await consume().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toContain('The model provider is unreachable');
    expect((error as APIError).type).toBe('agent_error');
  });

  it('ignores deltas for requests that do not stream', async () => {
    h = await startHarness();
    const completion = await h.client().chat.completions.create({
      model: 'hermes-agent',
      messages: [{ role: 'user', content: 'no stream' }],
      stream: false,
    });
    expect(completion.choices[0]!.message.content).toBe('NO STREAM');
  });
});
