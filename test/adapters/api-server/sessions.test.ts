import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, type Harness, startHarness } from './harness.ts';

describe('api server: session continuity header', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('puts two requests with the same X-Hermes-Session-Id into one session', async () => {
    h = await startHarness();
    const client = h.client();
    const headers = { 'X-Hermes-Session-Id': 'support.chat:42' };
    await client.chat.completions.create(chatBody('one'), { headers });
    await client.chat.completions.create(chatBody('two'), { headers });
    const [first, second] = h.gateway.accepted;
    expect(first!.sessionKey).toBe('api:support.chat:42');
    expect(second!.sessionKey).toBe('api:support.chat:42');
    expect(first!.chatId).toBe('support.chat:42');
  });

  it('gives each request without the header its own one-off session', async () => {
    h = await startHarness();
    const client = h.client();
    await client.chat.completions.create(chatBody('one'));
    await client.chat.completions.create(chatBody('two'));
    const [first, second] = h.gateway.accepted;
    expect(first!.sessionKey).toMatch(/^api:/);
    expect(second!.sessionKey).toMatch(/^api:/);
    expect(first!.sessionKey).not.toBe(second!.sessionKey);
  });

  it('answers with the session id so a client can continue the conversation', async () => {
    h = await startHarness();
    const client = h.client();
    const { response } = await client.chat.completions.create(chatBody('start')).withResponse();
    const sessionId = response.headers.get('x-hermes-session-id');
    expect(sessionId).toBeTruthy();
    expect(h.gateway.accepted[0]!.sessionKey).toBe(`api:${sessionId}`);

    const again = await client.chat.completions
      .create(chatBody('continue'), { headers: { 'X-Hermes-Session-Id': sessionId! } })
      .withResponse();
    expect(again.response.headers.get('x-hermes-session-id')).toBe(sessionId);
    expect(h.gateway.accepted[1]!.sessionKey).toBe(`api:${sessionId}`);
  });

  it('names the session on streamed answers too', async () => {
    h = await startHarness();
    const res = await h.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hermes-session-id': 'streamy' },
      body: JSON.stringify({ ...chatBody('hi'), stream: true }),
    });
    expect(res.headers.get('x-hermes-session-id')).toBe('streamy');
    await res.text();
  });
});
