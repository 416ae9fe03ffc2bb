/**
 * The live credential probes shared by `hermes gateway setup` and
 * `hermes doctor`: every HTTP probe against one loopback fake of the four
 * platform APIs (accepted, refused, unreachable), the Email probe against a
 * real Dovecot, the WhatsApp probe against a home with and without a link.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmailOptions } from '../../../src/adapters/email/email-options.ts';
import { type ProbeContext, probeCredentials } from '../../../src/adapters/probes/index.ts';
import { DOVECOT_PASSWORD, freePort } from '../email/dovecot.ts';
import { describeWithDovecot } from '../email/dovecot-suite.ts';

const GOOD = 'good-token';
const home = mkdtempSync(join(tmpdir(), 'hermes-probes-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Answers as the platform APIs do; `/broken/...` answers 502 everywhere. */
function route(req: IncomingMessage, body: string): { status: number; json: unknown } {
  const url = req.url ?? '';
  const auth = req.headers.authorization ?? '';
  if (url.startsWith('/broken/')) return { status: 502, json: { ok: false, description: 'Bad Gateway' } };
  if (url.endsWith('/getMe')) {
    return url === `/telegram/bot${GOOD}/getMe`
      ? { status: 200, json: { ok: true, result: { id: 1, username: 'probe_bot' } } }
      : { status: 401, json: { ok: false, error_code: 401, description: 'Unauthorized' } };
  }
  if (url === '/slack/auth.test' && req.method === 'POST') {
    return auth === `Bearer ${GOOD}`
      ? { status: 200, json: { ok: true, user: 'hermes', team: 'Acme' } }
      : { status: 200, json: { ok: false, error: 'invalid_auth' } };
  }
  if (url === '/discord/users/@me') {
    return auth === `Bot ${GOOD}`
      ? { status: 200, json: { id: '42', username: 'hermes-discord' } }
      : { status: 401, json: { message: '401: Unauthorized', code: 0 } };
  }
  if (url === '/_matrix/client/versions') return { status: 200, json: { versions: ['v1.11'] } };
  if (url === '/_matrix/client/v3/login' && req.method === 'POST') {
    return JSON.parse(body).password === 'right-password'
      ? { status: 200, json: { access_token: GOOD, user_id: '@bot:hs.test' } }
      : { status: 403, json: { errcode: 'M_FORBIDDEN', error: 'Invalid password' } };
  }
  if (url === '/_matrix/client/v3/account/whoami') {
    return auth === `Bearer ${GOOD}`
      ? { status: 200, json: { user_id: '@bot:hs.test' } }
      : { status: 401, json: { errcode: 'M_UNKNOWN_TOKEN', error: 'Invalid access token' } };
  }
  return { status: 404, json: { error: 'not found' } };
}

let server: Server;
let base: string;
let closedBase: string;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const { status, json } = route(req, body);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  closedBase = `http://127.0.0.1:${await freePort()}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** A context whose Slack and Discord bases point at `root` (the fake, broken or closed). */
function ctx(root: string, extra: Partial<ProbeContext> = {}): ProbeContext {
  return {
    timeoutMs: 5000,
    home,
    env: { HERMES_SETUP_SLACK_API_URL: `${root}/slack`, HERMES_SETUP_DISCORD_API_URL: `${root}/discord` },
    ...extra,
  };
}

describe('Telegram getMe on TELEGRAM_API_ROOT', () => {
  const probe = (token: string, root = `${base}/telegram`) =>
    probeCredentials('telegram', { token, apiRoot: root }, ctx(base));

  it('names the bot of a good token', async () => {
    expect(await probe(GOOD)).toEqual({ status: 'ok', account: '@probe_bot' });
  });
  it('refuses a token Telegram answers 401 for, with the variable and the fix', async () => {
    const result = await probe('123:wrong');
    expect(result).toMatchObject({
      status: 'refused',
      issue: { path: 'TELEGRAM_BOT_TOKEN', message: 'Telegram refused the token (401 Unauthorized)' },
    });
    expect(result?.status === 'refused' && result.issue.fix).toContain('@BotFather');
  });
  it('has no verdict when the API cannot be reached or answers 502', async () => {
    const closed = await probe(GOOD, `${closedBase}/telegram`);
    expect(closed).toMatchObject({ status: 'unreachable', issue: { path: 'TELEGRAM_BOT_TOKEN' } });
    expect(closed?.status === 'unreachable' && closed.issue.message).toContain(
      `could not reach ${closedBase}`,
    );
    const broken = await probe(GOOD, `${base}/broken`);
    expect(broken?.status === 'unreachable' && broken.issue.message).toContain('answered HTTP 502');
  });
});

describe('Slack auth.test on HERMES_SETUP_SLACK_API_URL', () => {
  const probe = (botToken: string, root = base) => probeCredentials('slack', { botToken }, ctx(root));

  it('names the bot and workspace of a good token', async () => {
    expect(await probe(GOOD)).toEqual({ status: 'ok', account: 'hermes in Acme' });
  });
  it('refuses a token Slack answers invalid_auth for', async () => {
    expect(await probe('xoxb-wrong')).toMatchObject({
      status: 'refused',
      issue: { path: 'SLACK_BOT_TOKEN', message: 'Slack refused the token (invalid_auth)' },
    });
  });
  it('has no verdict when the API cannot be reached', async () => {
    expect(await probe(GOOD, closedBase)).toMatchObject({
      status: 'unreachable',
      issue: { path: 'SLACK_BOT_TOKEN' },
    });
  });
});

describe('Discord users/@me on HERMES_SETUP_DISCORD_API_URL', () => {
  const probe = (token: string, root = base) => probeCredentials('discord', { token }, ctx(root));

  it('names the bot user of a good token, with or without the "Bot " prefix', async () => {
    expect(await probe(GOOD)).toEqual({ status: 'ok', account: 'hermes-discord' });
    expect(await probe(`Bot ${GOOD}`)).toEqual({ status: 'ok', account: 'hermes-discord' });
  });
  it('refuses a token Discord answers 401 for', async () => {
    expect(await probe('wrong')).toMatchObject({
      status: 'refused',
      issue: { path: 'DISCORD_BOT_TOKEN', message: 'Discord refused the token (401 401: Unauthorized)' },
    });
  });
  it('has no verdict when the API cannot be reached', async () => {
    expect(await probe(GOOD, closedBase)).toMatchObject({
      status: 'unreachable',
      issue: { path: 'DISCORD_BOT_TOKEN' },
    });
  });
});

describe('Matrix whoami on the homeserver', () => {
  const probe = (options: Record<string, string>, extra: Partial<ProbeContext> = {}) =>
    probeCredentials('matrix', { homeserverUrl: base, ...options }, ctx(base, extra));

  it('names the user of a good access token', async () => {
    expect(await probe({ accessToken: GOOD })).toEqual({ status: 'ok', account: '@bot:hs.test' });
  });
  it('refuses an access token the homeserver answers 401 for', async () => {
    expect(await probe({ accessToken: 'wrong' })).toMatchObject({
      status: 'refused',
      issue: {
        path: 'MATRIX_ACCESS_TOKEN',
        message: 'the homeserver refused the access token (401 M_UNKNOWN_TOKEN)',
      },
    });
  });
  it('logs in with a password only when asked to, and refuses a wrong one', async () => {
    const login = { loginWithPassword: true };
    const user = { userId: '@bot:hs.test' };
    expect(await probe({ ...user, password: 'right-password' }, login)).toEqual({
      status: 'ok',
      account: '@bot:hs.test',
    });
    expect(await probe({ ...user, password: 'wrong' }, login)).toMatchObject({
      status: 'refused',
      issue: { path: 'MATRIX_PASSWORD', message: 'the homeserver refused the login (403 M_FORBIDDEN)' },
    });
    const answers = await probe({ ...user, password: 'wrong' });
    expect(answers).toMatchObject({ status: 'ok', account: '@bot:hs.test' });
    expect(answers?.status === 'ok' && answers.note).toContain('password login is not tried');
  });
  it('has no verdict when the homeserver cannot be reached', async () => {
    const result = await probeCredentials(
      'matrix',
      { homeserverUrl: closedBase, accessToken: GOOD },
      ctx(base),
    );
    expect(result).toMatchObject({ status: 'unreachable', issue: { path: 'MATRIX_ACCESS_TOKEN' } });
  });
});

describe('WhatsApp linked device', () => {
  it('refuses a home without a linked device and accepts one with it', async () => {
    const own = mkdtempSync(join(home, 'wa-'));
    expect(await probeCredentials('whatsapp', {}, { ...ctx(base), home: own })).toMatchObject({
      status: 'refused',
      issue: { path: 'whatsapp/auth' },
    });
    const dir = join(own, 'whatsapp', 'auth');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'creds.json'),
      JSON.stringify({ registered: true, me: { id: '4915@s.whatsapp.net' } }),
    );
    expect(await probeCredentials('whatsapp', {}, { ...ctx(base), home: own })).toMatchObject({
      status: 'ok',
      account: '4915@s.whatsapp.net',
    });
  });
});

/** Email options for a plain IMAP server on loopback. */
function mailbox(host: string, port: number, password: string): EmailOptions {
  const server = { host, port, secure: false, startTls: false };
  return { address: 'probe@example.test', password, imap: server, smtp: server } as EmailOptions;
}

describeWithDovecot('Email IMAP login', (dovecot) => {
  it('names the mailbox of a good login', async () => {
    const { host, port } = dovecot();
    expect(await probeCredentials('email', mailbox(host, port, DOVECOT_PASSWORD), ctx(base))).toEqual({
      status: 'ok',
      account: `probe@example.test at ${host}:${port}`,
    });
  });
  it('refuses a wrong password, with the app-password fix', async () => {
    const { host, port } = dovecot();
    const result = await probeCredentials('email', mailbox(host, port, 'wrong-password'), ctx(base));
    expect(result).toMatchObject({ status: 'refused', issue: { path: 'EMAIL_PASSWORD' } });
    expect(result?.status === 'refused' && result.issue.fix).toContain('app password');
  });
  it('has no verdict when nothing listens on the IMAP port', async () => {
    const port = await freePort();
    expect(await probeCredentials('email', mailbox('127.0.0.1', port, 'x'), ctx(base))).toMatchObject({
      status: 'unreachable',
      issue: { path: 'EMAIL_IMAP_HOST' },
    });
  });
});
