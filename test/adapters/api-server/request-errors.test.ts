import { BadRequestError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, type Harness, startHarness } from './harness.ts';

/** Asserts an OpenAI error object and returns it. */
async function openAIError(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof body.error.message).toBe('string');
  return body.error;
}

const json = { 'content-type': 'application/json' };

describe('api server: malformed and wrong requests', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('answers malformed JSON with a 400 invalid_request_error and logs it', async () => {
    h = await startHarness();
    const res = await h.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: json,
      body: '{"model": "x", ',
    });
    const error = await openAIError(res, 400);
    expect(error.type).toBe('invalid_request_error');
    expect(error.code).toBe('invalid_json');
    const line = await h.gateway.logLine(/400/);
    expect(line.level).toBe('warn');
    expect(line.msg).toMatch(/JSON/);
  });

  it('answers a body without messages with a 400 naming the field', async () => {
    h = await startHarness();
    const res = await h.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ model: 'hermes-agent' }),
    });
    const error = await openAIError(res, 400);
    expect(error.type).toBe('invalid_request_error');
    expect(error.param).toBe('messages');
    expect(h.gateway.ingestCalls).toHaveLength(0);
  });

  it('answers an empty messages array with a 400', async () => {
    h = await startHarness();
    const res = await h.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ model: 'hermes-agent', messages: [] }),
    });
    expect((await openAIError(res, 400)).param).toBe('messages');
  });

  it('answers a conversation that does not end with a user message with a 400 (SDK BadRequestError)', async () => {
    h = await startHarness();
    const error = await h
      .client()
      .chat.completions.create({
        model: 'hermes-agent',
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'hello' },
        ],
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toMatch(/last message must come from the user/);
    expect((error as BadRequestError).param).toBe('messages.1.role');
  });

  it('answers an unknown role and a non-text content part with a 400', async () => {
    h = await startHarness();
    const badRole = await h.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ model: 'm', messages: [{ role: 'robot', content: 'hi' }] }),
    });
    expect((await openAIError(badRole, 400)).param).toBe('messages.0.role');
    const badPart = await h.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        model: 'm',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }],
      }),
    });
    expect((await openAIError(badPart, 400)).param).toBe('messages.0.content');
  });

  it('answers a non-boolean stream flag with a 400', async () => {
    h = await startHarness();
    const res = await h.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ ...chatBody('hi'), stream: 'yes' }),
    });
    expect((await openAIError(res, 400)).param).toBe('stream');
  });

  it('answers an invalid X-Hermes-Session-Id with a 400', async () => {
    h = await startHarness();
    for (const bad of ['has space', 'slash/inside', 'x'.repeat(129)]) {
      const res = await h.fetch('/v1/chat/completions', {
        method: 'POST',
        headers: { ...json, 'x-hermes-session-id': bad },
        body: JSON.stringify(chatBody('hi')),
      });
      const error = await openAIError(res, 400);
      expect(error.param).toBe('X-Hermes-Session-Id');
    }
    expect(h.gateway.ingestCalls).toHaveLength(0);
  });

  it('answers a body over the limit with a 413 in OpenAI shape', async () => {
    h = await startHarness({ bodyLimitBytes: 1024 });
    const res = await h.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: json,
      body: JSON.stringify(chatBody('x'.repeat(4096))),
    });
    const error = await openAIError(res, 413);
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toMatch(/1024 bytes/);
    expect(h.gateway.ingestCalls).toHaveLength(0);
    const line = await h.gateway.logLine(/413/);
    expect(line.level).toBe('warn');
  });

  it('accepts a body just under the limit', async () => {
    h = await startHarness({ bodyLimitBytes: 1024 });
    const completion = await h.client().chat.completions.create(chatBody('y'.repeat(500)));
    expect(completion.choices[0]!.message.content).toBe('Y'.repeat(500));
  });

  it('answers an unknown route with a 404 in OpenAI shape', async () => {
    h = await startHarness();
    const error = await openAIError(
      await h.fetch('/v1/embeddings', { method: 'POST', headers: json, body: '{}' }),
      404,
    );
    expect(error.type).toBe('not_found_error');
    expect(error.message).toMatch(/\/v1\/embeddings/);
    await openAIError(await fetch(`${h.origin}/nothing-here`), 404);
    await openAIError(await h.fetch('/v1/chat/completions'), 404);
  });

  it('answers a non-JSON content type in OpenAI shape', async () => {
    h = await startHarness();
    const res = await h.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<chat/>',
    });
    expect((await openAIError(res, 415)).type).toBe('invalid_request_error');
  });
});
