import { AuthenticationError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiServerAdapter, createBearerChecker } from '../../../src/adapters/api-server/index.ts';
import { GatewayError } from '../../../src/errors.ts';
import { chatBody, type Harness, startHarness, TEST_KEY } from './harness.ts';

describe('api server: bearer key', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('rejects a wrong key with AuthenticationError in the SDK', async () => {
    h = await startHarness();
    const error = await h
      .client('wrong-key-0123456789')
      .models.list()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).status).toBe(401);
    expect((error as AuthenticationError).type).toBe('authentication_error');
    expect(h.gateway.accepted).toHaveLength(0);
  });

  it('rejects a chat completion with a wrong key before ingesting it', async () => {
    h = await startHarness();
    await expect(h.client(`${TEST_KEY}x`).chat.completions.create(chatBody('sneaky'))).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    expect(h.gateway.ingestCalls).toHaveLength(0);
  });

  it('rejects a missing key with AuthenticationError in the SDK', async () => {
    h = await startHarness();
    const client = h.client();
    const error = await client.models.list({ headers: { Authorization: null } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthenticationError);
  });

  it('answers a missing key with a 401 in OpenAI error shape and logs the reason', async () => {
    h = await startHarness();
    const res = await fetch(`${h.origin}/v1/models`);
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body).toEqual({
      error: {
        message: expect.stringMatching(/Missing API key/),
        type: 'authentication_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
    const line = await h.gateway.logLine(/401/);
    expect(line.level).toBe('warn');
    expect(line.msg).toMatch(/Missing API key/);
  });

  it('accepts the key with any capitalisation of the Bearer scheme', async () => {
    h = await startHarness();
    const res = await fetch(`${h.origin}/v1/models`, { headers: { authorization: `bearer ${TEST_KEY}` } });
    expect(res.status).toBe(200);
  });

  it('refuses to construct with a key shorter than 16 characters', () => {
    let error: unknown;
    try {
      createApiServerAdapter({ key: 'too-short-key' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('GATEWAY_ERR_API_KEY');
    expect((error as GatewayError).message).toMatch(/API_SERVER_KEY/);
    expect((error as GatewayError).message).toMatch(/api_server\.key/);
    expect((error as GatewayError).message).toMatch(/16 characters/);
  });

  it('refuses an empty or whitespace-padded short key', () => {
    expect(() => createApiServerAdapter({ key: '' })).toThrow(/API_SERVER_KEY/);
    expect(() => createApiServerAdapter({ key: '   short-key    ' })).toThrow(/API_SERVER_KEY/);
  });
});

describe('bearer check', () => {
  const check = createBearerChecker(TEST_KEY);

  it('tells a matching, a missing and a wrong key apart', () => {
    expect(check(`Bearer ${TEST_KEY}`)).toBe('ok');
    expect(check(undefined)).toBe('missing');
    expect(check('')).toBe('missing');
    expect(check(`Bearer ${TEST_KEY.slice(0, -1)}`)).toBe('invalid');
    expect(check(`Bearer ${TEST_KEY}${TEST_KEY}`)).toBe('invalid');
    expect(check(`Basic ${TEST_KEY}`)).toBe('invalid');
    expect(check(TEST_KEY)).toBe('invalid');
  });
});
