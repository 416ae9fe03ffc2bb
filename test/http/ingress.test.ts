/**
 * The HTTP ingress on its own: a route gets the raw body and answers after its
 * handler; the outcome rules (2xx "ignored" where the platform redelivers, 400
 * where it does not, 401, 413, 429, 404, and 503 only when the message was not
 * committed or nobody takes it); duplicate and late routes refused with coded
 * errors; every outcome counted per route and reason.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdapterContext, InboundMessage } from '../../src/adapters/contract.ts';
import { GatewayError } from '../../src/errors.ts';
import {
  accepted,
  createIngress,
  formatIngressCounts,
  type HttpIngress,
  INGRESS_COUNTS_KEY,
  type IngressOptions,
  ignored,
  recordIngressCounts,
  rejected,
  skipped,
  UnusablePayloadError,
  type WebhookRequest,
} from '../../src/http/index.ts';

interface LogLine {
  level: string;
  msg: string | undefined;
}

const logs: LogLine[] = [];
const log = {
  info: (_: object, msg?: string) => logs.push({ level: 'info', msg }),
  warn: (_: object, msg?: string) => logs.push({ level: 'warn', msg }),
  error: (_: object, msg?: string) => logs.push({ level: 'error', msg }),
  debug: (_: object, msg?: string) => logs.push({ level: 'debug', msg }),
};

/** A context whose ingest records messages, or fails when told. */
function context(fail = false): AdapterContext & { ingested: InboundMessage[] } {
  const ingested: InboundMessage[] = [];
  return {
    ingested,
    log,
    signal: new AbortController().signal,
    async ingest(message) {
      if (fail) throw new GatewayError('GATEWAY_ERR_STORE', 'Write rolled back: disk I/O error');
      ingested.push(message);
      return { inboxId: ingested.length, duplicate: false, sessionKey: 'k' };
    },
  };
}

function message(text: string): InboundMessage {
  return { platform: 'p', chatType: 'dm', chatId: '1', userId: 'u', text, platformMessageId: text };
}

let http: HttpIngress | undefined;
afterEach(async () => {
  await http?.close();
  http = undefined;
  logs.length = 0;
});

function ingress(options: Partial<IngressOptions> = {}): HttpIngress {
  http = createIngress({ host: '127.0.0.1', port: 0, log, ...options });
  return http;
}

async function post(path: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  const { port } = http?.address() ?? { port: 0 };
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body, headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

describe('http ingress: one route', () => {
  it('hands the handler the exact bytes and answers 200 only after it ingested', async () => {
    const seen: WebhookRequest[] = [];
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    const route = ingress().route({
      owner: 'p',
      path: '/hook',
      handler: async (request, ctx) => {
        seen.push(request);
        await held;
        await ctx.ingest(message((request.json() as { text: string }).text));
        return accepted();
      },
    });
    const ctx = context();
    route.attach(ctx);
    await http?.listen();
    let answered = false;
    const body = '{"text":"héllo \\ud83d\\ude00"}';
    const response = post('/hook', body, { 'content-type': 'application/json; charset=utf-8' }).then((r) => {
      answered = true;
      return r;
    });
    await expect.poll(() => seen.length).toBe(1);
    expect(answered).toBe(false);
    expect(seen[0]?.rawBody.toString('utf8')).toBe(body);
    release();
    expect((await response).status).toBe(200);
    expect((await response).body).toEqual({ ok: true });
    expect(ctx.ingested.map((m) => m.text)).toEqual(['héllo 😀']);
  });

  it('takes any content type, and none, as raw bytes', async () => {
    const sizes: number[] = [];
    ingress()
      .route({
        owner: 'p',
        path: '/hook',
        handler: async (request) => {
          sizes.push(request.rawBody.length);
          return accepted();
        },
      })
      .attach(context());
    await http?.listen();
    expect((await post('/hook', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(
      200,
    );
    expect((await post('/hook', new Uint8Array([0xff, 0xfe, 0x00]))).status).toBe(200);
    expect((await post('/hook', '')).status).toBe(200);
    expect(sizes).toEqual([3, 3, 0]);
  });

  it('answers a GET verification with the challenge from the query string, as text', async () => {
    ingress()
      .route({
        owner: 'p',
        method: 'GET',
        path: '/hook',
        handler: async (request) => accepted(request.query.get('echostr') ?? ''),
      })
      .attach(context());
    await http?.listen();
    const response = await fetch(`http://127.0.0.1:${http?.address()?.port}/hook?echostr=c-%C3%A9&x=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('c-é');
  });

  it('answers 503 with Retry-After while no context is attached, and after detach', async () => {
    const route = ingress().route({ owner: 'p', path: '/hook', handler: async () => accepted() });
    await http?.listen();
    const before = await post('/hook', '{}');
    expect(before.status).toBe(503);
    expect(before.headers.get('retry-after')).toBe('5');
    expect(before.body.error).toMatchObject({ code: 'GATEWAY_ERR_NOT_COMMITTED', reason: 'not_running' });
    route.attach(context());
    expect((await post('/hook', '{}')).status).toBe(200);
    route.detach();
    expect((await post('/hook', '{}')).status).toBe(503);
  });

  it('answers 503 when the ingest did not commit, and never a 5xx otherwise', async () => {
    const route = ingress().route({
      owner: 'p',
      path: '/hook',
      handler: async (request, ctx) => {
        const value = request.json() as { kind: string };
        if (value.kind === 'boom')
          throw new TypeError("Cannot read properties of undefined (reading 'type')");
        await ctx.ingest(message('x'));
        return accepted();
      },
    });
    route.attach(context(true));
    await http?.listen();
    const failed = await post('/hook', '{"kind":"ok"}');
    expect(failed.status).toBe(503);
    expect(failed.body.error).toMatchObject({ code: 'GATEWAY_ERR_NOT_COMMITTED', reason: 'store' });
    const bug = await post('/hook', '{"kind":"boom"}');
    expect(bug).toMatchObject({ status: 200, body: { ok: true, ignored: 'handler_error' } });
    expect(logs.some((l) => l.level === 'error' && /handler failed/.test(l.msg ?? ''))).toBe(true);
    expect(http?.counters.snapshot()['p POST /hook']).toMatchObject({
      accepted: 0,
      ignored: { handler_error: 1 },
      not_committed: { store: 1 },
    });
  });

  it('answers an unusable payload 200 "ignored" where the platform redelivers, 400 where it does not', async () => {
    const handler = async (request: WebhookRequest) => {
      const value = request.json();
      if (typeof value !== 'object' || value === null) return ignored('not_an_object', 'a JSON scalar');
      if ('skip' in value) return skipped('not_addressed');
      throw new UnusablePayloadError('missing_chat', 'message.chat is missing');
    };
    const h = ingress();
    h.route({ owner: 'a', path: '/redelivers', handler }).attach(context());
    h.route({ owner: 'b', path: '/once', redelivers: false, handler }).attach(context());
    await h.listen();
    expect(await post('/redelivers', 'not json')).toMatchObject({
      status: 200,
      body: { ignored: 'not_json' },
    });
    expect(await post('/redelivers', '42')).toMatchObject({
      status: 200,
      body: { ignored: 'not_an_object' },
    });
    expect(await post('/redelivers', '{}')).toMatchObject({ status: 200, body: { ignored: 'missing_chat' } });
    expect(await post('/redelivers', '{"skip":1}')).toMatchObject({
      status: 200,
      body: { skipped: 'not_addressed' },
    });
    expect(await post('/once', 'not json')).toMatchObject({
      status: 400,
      body: { ok: false, error: { code: 'GATEWAY_ERR_BAD_REQUEST', reason: 'not_json' } },
    });
    expect(await post('/once', '{"skip":1}')).toMatchObject({ status: 200 });
    expect(formatIngressCounts(h.counters.snapshot())).toEqual([
      'a POST /redelivers: 0 accepted, 1 skipped (not_addressed 1), 3 ignored (not_json 1, not_an_object 1, missing_chat 1)',
      'b POST /once: 0 accepted, 1 skipped (not_addressed 1), 1 ignored (not_json 1)',
    ]);
    expect(logs.filter((l) => l.level === 'warn' && /payload ignored/.test(l.msg ?? ''))).toHaveLength(4);
  });

  it('refuses a bad secret with 401, a body over the limit with 413, an unknown path with 404', async () => {
    const h = ingress();
    h.route({
      owner: 'p',
      path: '/hook',
      bodyLimit: 64,
      handler: async (request) =>
        request.header('x-secret') === 's3cret' ? accepted() : rejected(401, 'bad_secret', 'wrong secret'),
    }).attach(context());
    await h.listen();
    expect(await post('/hook', '{}', { 'x-secret': 'nope' })).toMatchObject({
      status: 401,
      body: { ok: false, error: { code: 'GATEWAY_ERR_UNAUTHORIZED', reason: 'bad_secret' } },
    });
    expect(await post('/hook', 'x'.repeat(65), { 'x-secret': 's3cret' })).toMatchObject({
      status: 413,
      body: { error: { code: 'GATEWAY_ERR_BODY_TOO_LARGE' } },
    });
    expect(await post('/elsewhere', '{}')).toMatchObject({
      status: 404,
      body: { error: { code: 'GATEWAY_ERR_NOT_FOUND' } },
    });
    expect(h.counters.snapshot()).toEqual({
      'p POST /hook': {
        accepted: 0,
        skipped: {},
        ignored: {},
        rejected: { '401 bad_secret': 1, '413 request_too_large': 1 },
        not_committed: {},
      },
      unmatched: {
        accepted: 0,
        skipped: {},
        ignored: {},
        rejected: { '404 unknown_url': 1 },
        not_committed: {},
      },
    });
  });

  it('limits the rate per route and client address with 429 and Retry-After', async () => {
    const h = ingress({ rateLimit: { max: 100, windowMs: 60_000 } });
    h.route({
      owner: 'p',
      path: '/tight',
      rateLimit: { max: 2, windowMs: 60_000 },
      handler: async () => accepted(),
    }).attach(context());
    h.route({ owner: 'p', path: '/loose', handler: async () => accepted() }).attach(context());
    await h.listen();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post('/tight', '{}')).status);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await post('/tight', '{}');
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.body.error).toMatchObject({ code: 'GATEWAY_ERR_RATE_LIMITED' });
    expect((await post('/loose', '{}')).status).toBe(200);
    expect(h.counters.snapshot()['p POST /tight']?.rejected).toEqual({ '429 rate_limit_exceeded': 2 });
  });
});

describe('http ingress: mounting', () => {
  it('refuses a path another adapter mounted, naming both', () => {
    const h = ingress();
    h.route({ owner: 'telegram', path: '/hook', handler: async () => accepted() });
    const refused = (() => {
      try {
        h.route({ owner: 'line', path: '/hook', handler: async () => accepted() });
      } catch (error) {
        return error as GatewayError;
      }
    })();
    expect(refused?.code).toBe('GATEWAY_ERR_HTTP_DUPLICATE_ROUTE');
    expect(refused?.message).toMatch(/POST \/hook is already mounted by telegram; line cannot mount it too/);
    // another method on the same path is another route
    expect(() =>
      h.route({ owner: 'line', method: 'GET', path: '/hook', handler: async () => accepted() }),
    ).not.toThrow();
  });

  it('refuses a route once it listens, and a bad spec', async () => {
    const h = ingress();
    h.route({ owner: 'p', path: '/a', handler: async () => accepted() });
    expect(() => h.route({ owner: 'p', path: 'no-slash', handler: async () => accepted() })).toThrow(
      expect.objectContaining({ code: 'GATEWAY_ERR_OPTION' }),
    );
    await h.listen();
    expect(() => h.route({ owner: 'p', path: '/b', handler: async () => accepted() })).toThrow(
      expect.objectContaining({
        code: 'GATEWAY_ERR_HTTP_LATE_ROUTE',
        message: expect.stringMatching(/already listens on 127\.0\.0\.1:\d+/),
      }),
    );
    expect(h.routes().map((r) => r.id)).toEqual(['p POST /a']);
  });

  it('keeps each owner in its own scope: raw bodies for webhooks, JSON for a mounted plugin', async () => {
    const h = ingress();
    h.route({
      owner: 'p',
      path: '/hook',
      handler: async (request) => accepted({ bytes: request.rawBody.length }),
    }).attach(context());
    h.mount('api', async (scope) => {
      scope.post('/json', async (request) => ({ parsed: request.body }));
    });
    await h.listen();
    expect((await post('/hook', '{"a":1}', { 'content-type': 'application/json' })).body).toEqual({
      bytes: 7,
    });
    expect((await post('/json', '{"a":1}', { 'content-type': 'application/json' })).body).toEqual({
      parsed: { a: 1 },
    });
    expect((await post('/json', '{"a":', { 'content-type': 'application/json' })).status).toBe(400);
    expect(h.counters.snapshot()['api POST /json']?.rejected).toEqual({ '400 invalid_json': 1 });
  });

  it('names the port and the fix when it cannot listen', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const { port } = blocker.address() as { port: number };
    try {
      const h = ingress({ port });
      h.route({ owner: 'p', path: '/a', handler: async () => accepted() });
      await expect(h.listen()).rejects.toMatchObject({
        code: 'GATEWAY_ERR_HTTP_LISTEN',
        message: expect.stringMatching(
          new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use\\. Fix: `),
        ),
      });
      expect(h.listening).toBe(false);
    } finally {
      blocker.close();
    }
  });
});

describe('http ingress: counters for the operator', () => {
  it('writes the counts to the meta table after a change and on flush', async () => {
    const h = ingress();
    const saved = new Map<string, string>();
    const recorder = recordIngressCounts(
      h.counters,
      { set: async (key, value) => void saved.set(key, value) },
      () => {},
      10_000,
    );
    h.counters.record('p POST /a', 'ignored', 'not_json');
    h.counters.record('p POST /a', 'accepted');
    expect(saved.size).toBe(0);
    await recorder.flush();
    recorder.stop();
    expect(JSON.parse(saved.get(INGRESS_COUNTS_KEY) ?? '{}')).toEqual({
      'p POST /a': { accepted: 1, skipped: {}, ignored: { not_json: 1 }, rejected: {}, not_committed: {} },
    });
  });
});
