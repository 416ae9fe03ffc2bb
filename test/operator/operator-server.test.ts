/**
 * The operator server: a login is required, a wrong token is refused, the SSE
 * stream reports a session's new state when a message arrives, and the actions
 * (pause/resume, approve/deny, stop, inspecting a queue) work and are refused
 * without a login or without the CSRF header.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log/runtime-logger.ts';
import { InspectionFeed } from '../../src/operator/inspection-feed.ts';
import { createOperatorServer } from '../../src/operator/operator-server.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createGateway } from '../../src/runtime/create-gateway.ts';
import { type OperatorGateway, scriptedAgent, startOperatorGateway, TOKEN } from './operator-gateway.ts';

const running: OperatorGateway[] = [];
afterEach(async () => {
  for (const og of running.splice(0)) await og.stop();
});

async function start(settings = {}) {
  const og = await startOperatorGateway(settings);
  running.push(og);
  return og;
}

const bearer = { authorization: `Bearer ${TOKEN}` };
const SESSION = 'chat:dm:1';

/** Logs in through the form; returns the cookie and the page's CSRF token. */
async function login(url: string) {
  const response = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: TOKEN }),
    redirect: 'manual',
  });
  expect(response.status).toBe(303);
  const setCookie = response.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0]!;
  const page = await (await fetch(`${url}/`, { headers: { cookie } })).text();
  const csrf = /name="operator-csrf" content="([^"]+)"/.exec(page)?.[1] ?? '';
  return { setCookie, cookie, csrf, page };
}

/** Reads server-sent events until `until` accepts one; returns the events read. */
async function readEvents(
  response: Response,
  until: (event: { event: string; data: unknown }) => boolean,
): Promise<{ event: string; data: unknown }[]> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const seen: { event: string; data: unknown }[] = [];
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended after ${JSON.stringify(seen)}`);
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (!event || data === undefined) continue;
      const parsed = { event, data: JSON.parse(data) as unknown };
      seen.push(parsed);
      if (until(parsed)) {
        await reader.cancel();
        return seen;
      }
    }
  }
}

describe('operator login', () => {
  it('sends a visitor without a login to the login form and refuses the API', async () => {
    const { url } = await start();
    const page = await fetch(`${url}/`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login');
    const form = await (await fetch(`${url}/login`)).text();
    expect(form).toContain('<form method="post" action="/login"');
    for (const path of ['/api/state', '/api/events', '/assets/operator.js', '/diagrams/session.svg']) {
      expect((await fetch(`${url}${path}`)).status, path).toBe(401);
    }
  });

  it('refuses a wrong token with 401, as a bearer and in the form', async () => {
    const { url } = await start();
    const wrongBearer = await fetch(`${url}/api/state`, {
      headers: { authorization: 'Bearer not-the-token-at-all' },
    });
    expect(wrongBearer.status).toBe(401);
    const wrongForm = await fetch(`${url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'not-the-token-at-all' }),
      redirect: 'manual',
    });
    expect(wrongForm.status).toBe(401);
    expect(wrongForm.headers.get('set-cookie')).toBeNull();
    expect(await wrongForm.text()).toContain('Wrong token.');
    const forgedCookie = await fetch(`${url}/api/state`, { headers: { cookie: 'hermes_operator=forged' } });
    expect(forgedCookie.status).toBe(401);
  });

  it('logs in with an HttpOnly SameSite=Strict cookie and serves the page and its files', async () => {
    const { url } = await start();
    const { setCookie, cookie, csrf, page } = await login(url);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(csrf.length).toBeGreaterThan(20);
    expect(page).toContain('<script type="importmap">');
    const store = await fetch(`${url}/vendor/xstate-store/xstate-store.js`, { headers: { cookie } });
    expect(store.status).toBe(200);
    expect(await store.text()).toContain('createStore');
    const svg = await fetch(`${url}/diagrams/session.svg`, { headers: { cookie } });
    expect(await svg.text()).toContain('<title>state:session.idle</title>');
    // after logging out the cookie no longer works
    await fetch(`${url}/logout`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
    expect((await fetch(`${url}/api/state`, { headers: { cookie } })).status).toBe(401);
  });
});

describe('operator binding', () => {
  it('refuses a host other than loopback unless the config sets a token', async () => {
    const gateway = createGateway({ store: createMemoryStore(), agent: scriptedAgent() });
    expect(() =>
      createOperatorServer({
        gateway,
        feed: new InspectionFeed(),
        token: TOKEN,
        host: '0.0.0.0',
        log: silentLogger,
      }),
    ).toThrow(GatewayError);
    expect(() =>
      createOperatorServer({ gateway, feed: new InspectionFeed(), token: 'short', log: silentLogger }),
    ).toThrow(/at least 16/);
  });
});

describe('operator live feed', () => {
  it('streams the session’s new state when a message arrives', async () => {
    const { url, chat } = await start();
    const stream = await fetch(`${url}/api/events`, { headers: bearer });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const events = readEvents(
      stream,
      (e) =>
        e.event === 'actor' &&
        (e.data as { machine: string; key: string; value: unknown }).machine === 'session' &&
        JSON.stringify((e.data as { value: unknown }).value).includes('running'),
    );
    await chat.receive({ chatId: '1', text: 'slow job' });
    const seen = await events;
    expect(seen[0]!.event).toBe('model');
    const last = seen.at(-1)!.data as { key: string; value: unknown };
    expect(last.key).toBe(SESSION);
    expect(last.value).toEqual({ running: 'working' });
  });
  it('streams a background task’s states', async () => {
    const { url, chat } = await start();
    const stream = await fetch(`${url}/api/events`, { headers: bearer });
    const events = readEvents(
      stream,
      (e) => e.event === 'actor' && (e.data as { machine: string }).machine === 'backgroundTask',
    );
    await chat.receive({ chatId: '1', text: '/background tidy up' });
    const seen = await events;
    const task = seen.at(-1)!.data as { key: string; value: unknown };
    expect(task.key).toMatch(/^bg_/);
  });
});

describe('operator actions', () => {
  it('pauses a platform (its next message is not run) and resumes it', async () => {
    const { url, chat, agent, gateway } = await start();
    const paused = await fetch(`${url}/api/platforms/chat/pause`, { method: 'POST', headers: bearer });
    expect(paused.status).toBe(200);
    expect(gateway.platforms()[0]!.status).toBe('paused');
    const result = await chat.receive({ chatId: '1', text: 'hello while paused' });
    expect(result.refused).toBe('ignore');
    await gateway.settled();
    expect(agent.runs).toEqual([]);

    await fetch(`${url}/api/platforms/chat/resume`, { method: 'POST', headers: bearer });
    await chat.receive({ chatId: '1', text: 'hello again' });
    await chat.waitForSent(1);
    expect(chat.textsTo('1')).toEqual(['answer: hello again']);
    expect((await fetch(`${url}/api/platforms/nope/pause`, { method: 'POST', headers: bearer })).status).toBe(
      404,
    );
  });

  it('refuses an action without a login, and a cookie login without the CSRF header', async () => {
    const { url, gateway } = await start();
    expect((await fetch(`${url}/api/platforms/chat/pause`, { method: 'POST' })).status).toBe(401);
    const { cookie, csrf } = await login(url);
    const noHeader = await fetch(`${url}/api/platforms/chat/pause`, { method: 'POST', headers: { cookie } });
    expect(noHeader.status).toBe(403);
    const wrongHeader = await fetch(`${url}/api/platforms/chat/pause`, {
      method: 'POST',
      headers: { cookie, 'x-operator-csrf': 'guessed' },
    });
    expect(wrongHeader.status).toBe(403);
    expect(gateway.platforms()[0]!.status).toBe('running');
    const ok = await fetch(`${url}/api/platforms/chat/pause`, {
      method: 'POST',
      headers: { cookie, 'x-operator-csrf': csrf },
    });
    expect(ok.status).toBe(200);
    expect(gateway.platforms()[0]!.status).toBe('paused');
  });

  it('approves and denies a pending command', async () => {
    const { url, chat, gateway } = await start();
    await chat.receive({ chatId: '1', text: 'approve-me please' });
    await vi.waitFor(async () =>
      expect((await gateway.session(SESSION))?.context.pendingApproval).toBeTruthy(),
    );
    const state = (await (await fetch(`${url}/api/state`, { headers: bearer })).json()) as {
      sessions: { sessionKey: string; pendingApproval: { command: string } | null }[];
    };
    expect(state.sessions.find((s) => s.sessionKey === SESSION)?.pendingApproval?.command).toBe(
      'rm -rf /tmp/x',
    );
    const approve = await fetch(`${url}/api/sessions/${encodeURIComponent(SESSION)}/approve`, {
      method: 'POST',
      headers: bearer,
    });
    expect(approve.status).toBe(200);
    await vi.waitFor(() => expect(chat.textsTo('1')).toContain('approved: true'));

    await chat.receive({ chatId: '1', text: 'approve-me again' });
    await vi.waitFor(async () =>
      expect((await gateway.session(SESSION))?.context.pendingApproval).toBeTruthy(),
    );
    await fetch(`${url}/api/sessions/${encodeURIComponent(SESSION)}/deny`, {
      method: 'POST',
      headers: bearer,
    });
    await vi.waitFor(() => expect(chat.textsTo('1').join('\n')).toMatch(/approved: false|denied/i));
    const nothing = await fetch(`${url}/api/sessions/${encodeURIComponent(SESSION)}/approve`, {
      method: 'POST',
      headers: bearer,
    });
    expect(nothing.status).toBe(409);
  });

  it('stops a run and shows a stuck session’s queue', async () => {
    const { url, chat, gateway } = await start({ busyInputMode: 'queue' });
    await chat.receive({ chatId: '1', text: 'slow job' });
    await chat.receive({ chatId: '1', text: 'first follow-up' });
    await chat.receive({ chatId: '1', text: 'second follow-up' });
    await vi.waitFor(async () => expect((await gateway.session(SESSION))?.context.queue).toHaveLength(2));
    const inspected = (await (
      await fetch(`${url}/api/sessions/${encodeURIComponent(SESSION)}`, { headers: bearer })
    ).json()) as { path: string; queue: { text: string }[]; running: { text: string }[] };
    expect(inspected.path).toBe('running.working');
    expect(inspected.running.map((m) => m.text)).toEqual(['slow job']);
    expect(inspected.queue.map((m) => m.text)).toEqual(['first follow-up', 'second follow-up']);

    const stop = await fetch(`${url}/api/sessions/${encodeURIComponent(SESSION)}/stop`, {
      method: 'POST',
      headers: bearer,
    });
    expect(stop.status).toBe(200);
    await vi.waitFor(async () => expect((await gateway.session(SESSION))?.state).toBe('idle'));
    expect((await gateway.session(SESSION))?.context.queue).toEqual([]);
    expect((await fetch(`${url}/api/sessions/nope/stop`, { method: 'POST', headers: bearer })).status).toBe(
      404,
    );
  });
});
