import { APIError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiServerAdapter } from '../../../src/adapters/api-server/index.ts';
import { AdapterError } from '../../../src/errors.ts';
import { chatBody, type Harness, startHarness, TEST_KEY } from './harness.ts';

describe('api server: stop and disconnects', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('answers pending requests with 503 server_shutting_down on stop()', async () => {
    h = await startHarness();
    h.gateway.behaviour = 'hold';
    const client = h.client();
    const waiting = client.chat.completions.create(chatBody('never answered')).then(
      () => undefined,
      (e: unknown) => e,
    );
    const stream = await (async () => {
      const s = client.chat.completions.create({ ...chatBody('never streamed'), stream: true });
      await h.gateway.acceptedCount(2);
      return s;
    })();
    const drained = (async () => {
      for await (const _chunk of stream) {
        // drain
      }
    })().then(
      () => undefined,
      (e: unknown) => e,
    );

    await h.adapter.stop();

    const error = await waiting;
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(503);
    expect((error as APIError).code).toBe('server_shutting_down');
    const streamError = await drained;
    expect(streamError).toBeInstanceOf(APIError);
    expect((streamError as APIError).code).toBe('server_shutting_down');
  });

  it('stops listening after stop() and keeps send() harmless', async () => {
    h = await startHarness();
    const origin = h.origin;
    await h.adapter.stop();
    await expect(fetch(`${origin}/health`)).rejects.toThrow();
    await expect(
      h.adapter.send({
        chatId: 'c',
        chatType: 'dm',
        text: 'late',
        inReplyTo: ['gone'],
        idempotencyKey: 'k',
        sessionKey: 'api:c',
      }),
    ).resolves.toEqual({});
  });

  it('can start again after stop()', async () => {
    h = await startHarness();
    await h.adapter.stop();
    await h.adapter.start(h.gateway.ctx);
    const { port } = h.adapter.address();
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    expect(res.status).toBe(200);
  });

  it('survives a client that disconnects while waiting; the answer is dropped without error', async () => {
    h = await startHarness();
    h.gateway.behaviour = 'hold';
    const abort = new AbortController();
    const request = h
      .fetch('/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'walk-away' },
        body: JSON.stringify(chatBody('bye')),
        signal: abort.signal,
      })
      .catch(() => undefined);
    await h.gateway.acceptedCount(1);
    abort.abort();
    await request;
    await h.gateway.logLine(/client disconnected/);

    await expect(h.gateway.answer(h.gateway.held[0]!)).resolves.toEqual({});

    h.gateway.behaviour = 'answer';
    const completion = await h.client().chat.completions.create(chatBody('still here'));
    expect(completion.choices[0]!.message.content).toBe('STILL HERE');

    const retry = await h.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'walk-away' },
      body: JSON.stringify(chatBody('bye')),
    });
    expect(retry.status).toBe(409);
  });

  it('survives a streaming client that goes away mid-stream', async () => {
    h = await startHarness();
    h.gateway.behaviour = 'hold';
    const stream = await (async () => {
      const s = h.client().chat.completions.create({ ...chatBody('stream then leave'), stream: true });
      await h.gateway.acceptedCount(1);
      return s;
    })();
    const message = h.gateway.held[0]!;
    const target = {
      chatId: message.chatId,
      chatType: message.chatType,
      sessionKey: message.sessionKey!,
      inReplyTo: [message.platformMessageId],
    };
    h.adapter.streamDelta!(target, 'first ');
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break;
    }
    await h.gateway.logLine(/client disconnected/);
    h.adapter.streamDelta!(target, 'second');
    await expect(h.gateway.answer(message)).resolves.toEqual({});
    const res = await fetch(`${h.origin}/health`);
    expect(res.status).toBe(200);
  });
});

describe('api server: lifecycle', () => {
  it('stops when the gateway aborts the context signal', async () => {
    const h = await startHarness();
    h.gateway.behaviour = 'hold';
    const waiting = h
      .client()
      .chat.completions.create(chatBody('cut off'))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    await h.gateway.acceptedCount(1);
    h.gateway.abort();
    const error = await waiting;
    expect((error as APIError).status).toBe(503);
    await h.close();
    await expect(fetch(`${h.origin}/health`)).rejects.toThrow();
  });

  it('fails to start on a port in use with a retryable AdapterError', async () => {
    const first = await startHarness();
    const { port } = first.adapter.address();
    const second = createApiServerAdapter({ key: TEST_KEY, host: '127.0.0.1', port });
    const error = await second.start(first.gateway.ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    await first.close();
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).retryable).toBe(true);
    expect((error as AdapterError).platform).toBe('api');
  });
});
