/**
 * kill -9 under load loses no reply and sends none twice: the real
 * `hermes gateway` takes Telegram webhook deliveries from 20 users (each POST
 * retried until it gets a 2xx, as Telegram does) and answers through a streaming
 * model, some turns with a tool call. It is killed part way, while answers are
 * being streamed and tools run, and started again on the same home. Every
 * message is answered in exactly one bot message (or its chat was told that a
 * reply may be missing), and no answer was created twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAYBE_MISSING_NOTICE } from '../../src/actors/outbox-sender.ts';
import { FakeBotApi } from '../adapters/telegram/fake-bot-api.ts';
import {
  type FakeModelServer,
  type RecordedChatRequest,
  startFakeModelServer,
} from '../fakes/fake-model-server.ts';
import {
  eventually,
  freePort,
  type GatewayProcess,
  startGatewayProcess,
} from '../support/gateway-process.ts';

const TOKEN = '4242:AAcrashUnderLoadTestToken0123456789';
const SECRET = 'load-test-secret';
const USERS = 20;
const MESSAGES = 15;
const KILL_AFTER = 100;
const ID = /u\d+-m\d+/g;

const dirs: string[] = [];
const processes: GatewayProcess[] = [];
let api: FakeBotApi | undefined;
let model: FakeModelServer | undefined;

afterEach(async () => {
  for (const p of processes.splice(0)) p.child.kill('SIGKILL');
  await api?.close();
  await model?.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The message ids a request asks about: every user message since the last answer. */
function askedIds(request: RecordedChatRequest): string[] {
  const lastAnswer = request.messages.findLastIndex((m) => m.role === 'assistant' && !m.tool_calls);
  const ids: string[] = [];
  for (const m of request.messages.slice(lastAnswer + 1)) {
    if (m.role !== 'user') continue;
    const text =
      typeof m.content === 'string' ? m.content : (m.content ?? []).map((p) => p.text ?? '').join('');
    ids.push(...(text.match(ID) ?? []));
  }
  return [...new Set(ids)];
}

describe('crash under load', () => {
  it('20 users, webhook deliveries retried until 2xx, SIGKILL part way: 0 replies lost, 0 doubled', async () => {
    api = new FakeBotApi({ token: TOKEN });
    await api.start();
    for (let u = 1; u <= USERS; u++) {
      api.addChat({ id: 1000 + u, type: 'private', first_name: `User ${u}` } as never);
    }
    model = await startFakeModelServer({
      // answers "answer: <ids>" slowly in pieces; a message with "tool" first runs a command
      fallback: (request) => {
        const last = request.messages.at(-1);
        const ids = askedIds(request);
        if (last?.role === 'user' && JSON.stringify(last.content).includes(' tool')) {
          return {
            kind: 'tool_calls',
            calls: [{ name: 'terminal', arguments: '{"command":"sleep 0.3; echo ok"}' }],
          };
        }
        return { kind: 'text', text: `answer: ${ids.join(' ')}`, chunks: 4, delayMs: 120 };
      },
    });
    const home = mkdtempSync(join(tmpdir(), 'hermes-load-'));
    dirs.push(home);
    const port = await freePort();
    const hookUrl = `http://127.0.0.1:${port}/telegram`;
    const env = {
      HERMES_HOME: home,
      TELEGRAM_BOT_TOKEN: TOKEN,
      API_SERVER_ENABLED: 'false',
      TELEGRAM_API_ROOT: api.url,
      TELEGRAM_WEBHOOK_URL: hookUrl,
      TELEGRAM_WEBHOOK_PORT: String(port),
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_ALLOW_ALL_USERS: 'true',
      HERMES_AGENT_BACKEND: 'openai',
      OPENAI_BASE_URL: model.url,
      OPENAI_API_KEY: 'test-key',
      HERMES_MODEL: 'fake-model',
      HERMES_GATEWAY_BUSY_INPUT_MODE: 'queue',
    };
    const start = async () => {
      const gateway = startGatewayProcess(env);
      processes.push(gateway);
      await gateway.waitForLog('Gateway running', 30_000);
      return gateway;
    };

    let accepted = 0;
    let nextUpdate = 1;
    /** Posts one user message until the gateway answers 2xx (connection refused while it is down). */
    const deliver = async (u: number, text: string): Promise<void> => {
      const update = {
        update_id: nextUpdate++,
        message: {
          message_id: nextUpdate,
          date: Math.floor(Date.now() / 1000),
          chat: { id: 1000 + u, type: 'private', first_name: `User ${u}` },
          from: { id: 1000 + u, is_bot: false, first_name: `User ${u}` },
          text,
        },
      };
      for (;;) {
        const status = await fetch(hookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
          body: JSON.stringify(update),
        }).then(
          (r) => r.status,
          () => 0,
        );
        if (status >= 200 && status < 300) {
          accepted++;
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    const first = await start();
    const load = Promise.all(
      Array.from({ length: USERS }, async (_, i) => {
        const u = i + 1;
        for (let k = 1; k <= MESSAGES; k++) {
          await deliver(u, `u${u}-m${k}${k % 4 === 1 ? ' tool' : ''}`);
          await new Promise((r) => setTimeout(r, 40 + ((u * k) % 7) * 20));
        }
      }),
    );
    await eventually(() => accepted >= KILL_AFTER, 60_000, `${KILL_AFTER} accepted updates`);
    // what the chats showed when the process died: answers part way and tool progress
    const botText = (chatId: number) =>
      api!
        .messages(chatId)
        .filter((m) => m.viaApi)
        .map((m) => ({ id: m.message.message_id, text: m.message.text ?? '' }));
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = Array.from({ length: USERS }, (_, i) => botText(1001 + i)).flat();
    const progressAtKill = api.calls.filter(
      (c) => c.method === 'sendMessage' && String(c.params.text).startsWith('💻'),
    ).length;
    const second = await start();
    await load;
    // one more message each: it resumes a turn the kill cut off
    await Promise.all(Array.from({ length: USERS }, (_, i) => deliver(i + 1, `u${i + 1}-m99`)));

    const expected = Array.from({ length: USERS }, (_, i) => [
      ...Array.from({ length: MESSAGES }, (_, k) => `u${i + 1}-m${k + 1}`),
      `u${i + 1}-m99`,
    ]).flat();
    const answers = () =>
      Array.from({ length: USERS }, (_, i) => botText(1001 + i))
        .flat()
        .filter((m) => m.text.startsWith('answer:'));
    await eventually(
      () => {
        const seen = new Set(answers().flatMap((m) => m.text.match(ID) ?? []));
        return expected.filter((id) => id.endsWith('-m99')).every((id) => seen.has(id));
      },
      120_000,
      'every last message answered',
    );
    await new Promise((r) => setTimeout(r, 1500)); // nothing more arrives late

    // the kill did hit answers being streamed (finished after the restart in the same message) and tool progress
    const final = new Map(
      Array.from({ length: USERS }, (_, i) => botText(1001 + i))
        .flat()
        .map((m) => [m.id, m.text]),
    );
    const finishedLater = atKill.filter((m) => !m.text.startsWith('💻') && final.get(m.id) !== m.text);
    expect(finishedLater.length).toBeGreaterThan(0);
    expect(progressAtKill).toBeGreaterThan(0);

    // every message is in exactly one answer message, unless its chat was told a reply may be missing
    const byId = new Map<string, number[]>();
    const told = new Set<number>();
    for (let u = 1; u <= USERS; u++) {
      for (const m of botText(1000 + u)) {
        if (m.text === MAYBE_MISSING_NOTICE) told.add(1000 + u);
        if (!m.text.startsWith('answer:')) continue;
        for (const id of new Set(m.text.match(ID) ?? [])) byId.set(id, [...(byId.get(id) ?? []), m.id]);
      }
    }
    const lost = expected.filter(
      (id) => !byId.has(id) && !told.has(1000 + Number(id.slice(1, id.indexOf('-')))),
    );
    const doubled = [...byId.entries()].filter(([, ids]) => ids.length > 1);
    expect(lost).toEqual([]);
    expect(doubled).toEqual([]);
    // no answer message was created twice: one sendMessage per answer message
    const answerSends = api.calls.filter((c) => {
      const text = String(c.params.text);
      return c.method === 'sendMessage' && (text.startsWith('answer:') || 'answer:'.startsWith(text));
    });
    expect(answerSends.length).toBe(answers().length);
    second.child.kill('SIGTERM');
    await second.exited;
  }, 240_000);
});
