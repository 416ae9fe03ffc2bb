/**
 * The README's "Writing an adapter" example is this folder's `acme-platform.ts`,
 * word for word, and it works: a user's webhook post reaches the agent, the
 * answer reaches Acme's API, a wrong token is refused, a payload we cannot use
 * is answered 200 "ignored", and a bad setting is refused with its fix.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEchoAgent } from '../../../src/agent/echo-agent.ts';
import { createIngress, type HttpIngress } from '../../../src/http/index.ts';
import { createMemoryStore } from '../../../src/persistence/memory-store.ts';
import { createGateway, type Gateway } from '../../../src/runtime/create-gateway.ts';
import { acmePlatform } from './acme-platform.ts';

const TOKEN = 'acme-token-0123456789abcdef';
const silent = { info() {}, warn() {}, error() {}, debug() {} };

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** Acme's REST API: records each message the bot posted and its edits. */
async function fakeAcme() {
  const messages = new Map<string, { chat: string; text: string; replyTo?: string }>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const data = JSON.parse(body || '{}') as { chat: string; text: string; replyTo?: string };
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        res.writeHead(401).end('{}');
        return;
      }
      if (req.method === 'POST') {
        const id = `m${messages.size + 1}`;
        messages.set(id, data);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
        return;
      }
      const existing = messages.get(req.url?.split('/').pop() ?? '');
      if (existing) existing.text = data.text;
      res.writeHead(existing ? 200 : 404, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, messages };
}

async function world(apiUrl: string): Promise<{ gateway: Gateway; http: HttpIngress; post: typeof fetch }> {
  const http = createIngress({ host: '127.0.0.1', port: 0, log: silent });
  const read = acmePlatform.read({
    env: { ACME_TOKEN: TOKEN, ACME_API_URL: apiUrl },
    extra: {},
    home: '/tmp',
  });
  if (!read.configured || !('options' in read)) throw new Error('expected options');
  const adapter = acmePlatform.create(read.options, { http });
  const gateway = createGateway({
    store: createMemoryStore(),
    agent: createEchoAgent(),
    adapters: [adapter],
  });
  await gateway.start();
  await http.listen();
  cleanup.push(async () => {
    await gateway.stop();
    await http.close();
  });
  const { port } = http.address() as { port: number };
  const post: typeof fetch = (path, init) => fetch(`http://127.0.0.1:${port}${String(path)}`, init);
  return { gateway, http, post };
}

function update(id: string, text: string, token = TOKEN) {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-acme-token': token },
    body: JSON.stringify({ id, chat: 'c1', user: 'u1', text }),
  };
}

describe('the README example platform', () => {
  it('is the code the README shows', () => {
    const source = readFileSync(new URL('./acme-platform.ts', import.meta.url), 'utf8');
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(source.replace("'../../../src/index.ts'", "'hermes-gateway'").trim());
  });

  it('answers a user: the webhook post reaches the agent and the answer reaches Acme', async () => {
    const acme = await fakeAcme();
    const { post } = await world(acme.url);
    const response = await post('/acme', update('in-1', 'hello acme'));
    expect(response.status).toBe(200);
    await vi.waitFor(() => expect([...acme.messages.values()].map((m) => m.text)).toEqual(['hello acme']), {
      timeout: 10_000,
    });
    expect([...acme.messages.values()][0]?.chat).toBe('c1');
  });

  it('refuses a wrong token and ignores a payload it cannot use, storing nothing', async () => {
    const acme = await fakeAcme();
    const { post } = await world(acme.url);
    expect((await post('/acme', update('in-2', 'hi', 'wrong'))).status).toBe(401);
    const bad = await post('/acme', { ...update('x', 'x'), body: JSON.stringify({ id: 3 }) });
    expect(bad.status).toBe(200);
    expect(await bad.json()).toMatchObject({ ignored: 'unsupported_update' });
    expect(acme.messages.size).toBe(0);
  });

  it('refuses a bad setting with the variable and the fix', () => {
    expect(acmePlatform.read({ env: { ACME_TOKEN: 'short' }, extra: {}, home: '/tmp' })).toEqual({
      configured: true,
      issues: [
        {
          path: 'ACME_TOKEN',
          message: 'too short for an Acme bot token',
          fix: 'copy the bot token from Settings → Bots in the Acme console',
        },
      ],
    });
  });
});
