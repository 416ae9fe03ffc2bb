import { APIError, InternalServerError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, type Harness, startHarness } from './harness.ts';

describe('api server: failed agent runs and timeouts', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('answers a failed outbound with a 502 agent_error carrying the explanation', async () => {
    h = await startHarness();
    h.gateway.behaviour = 'fail';
    const error = await h
      .client()
      .chat.completions.create(chatBody('break'))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as APIError).status).toBe(502);
    expect((error as APIError).type).toBe('agent_error');
    expect((error as APIError).message).toContain('The model provider is unreachable');
    expect(h.gateway.sendResults[0]!.platformMessageId).toBe(h.gateway.accepted[0]!.platformMessageId);
  });

  it('tells clients not to retry a failed run on their own', async () => {
    h = await startHarness();
    h.gateway.behaviour = 'fail';
    const res = await h.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chatBody('break')),
    });
    expect(res.status).toBe(502);
    expect(res.headers.get('x-should-retry')).toBe('false');
    const body = (await res.json()) as { error: { type: string } };
    expect(body.error.type).toBe('agent_error');
  });

  it('answers with a 504 when no answer arrives in time, and the late answer is dropped quietly', async () => {
    h = await startHarness({ replyTimeoutMs: 50 });
    h.gateway.behaviour = 'hold';
    const error = await h
      .client()
      .chat.completions.create(chatBody('slow'))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(504);
    expect((error as APIError).code).toBe('reply_timeout');
    await expect(h.gateway.answer(h.gateway.held[0]!)).resolves.toEqual({});
  });
});
