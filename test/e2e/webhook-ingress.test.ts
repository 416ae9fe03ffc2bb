/**
 * The real `hermes gateway` process with Telegram in webhook mode: the webhook
 * route is mounted on the shared HTTP ingress, which listens where
 * `TELEGRAM_WEBHOOK_PORT` says (it now sets `gateway.http.port`) and logs what
 * listens where; a malformed update gets 200 "ignored", a valid one is
 * answered; after the stop, `hermes gateway status` shows the counts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SECRET_HEADER } from '../../src/adapters/telegram/index.ts';
import { FakeBotApi } from '../adapters/telegram/fake-bot-api.ts';
import { ADA, DM_CHAT, TOKEN } from '../adapters/telegram/telegram-peer.ts';
import { runHermes } from '../cli/run-hermes.ts';
import {
  eventually,
  freePort,
  type GatewayProcess,
  startGatewayProcess,
} from '../support/gateway-process.ts';

const SECRET = 'e2e-webhook-secret';
const dirs: string[] = [];
const processes: GatewayProcess[] = [];
afterAll(() => {
  for (const p of processes) p.child.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('hermes gateway with a Telegram webhook', () => {
  it('mounts the webhook on the ingress, ignores a malformed update, answers a valid one, counts both', async () => {
    const home = mkdtempSync(join(tmpdir(), 'hermes-ingress-e2e-'));
    dirs.push(home);
    writeFileSync(join(home, 'config.yaml'), 'api_server:\n  enabled: false\n');
    const api = new FakeBotApi({ token: TOKEN });
    await api.start();
    api.addChat(DM_CHAT);
    const port = await freePort();
    const gateway = startGatewayProcess({
      HERMES_HOME: home,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: api.url,
      TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/tg`,
      TELEGRAM_WEBHOOK_PORT: String(port),
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_ALLOWED_USERS: String(ADA.id),
    });
    processes.push(gateway);
    try {
      const listening = await gateway.waitForLog('HTTP ingress listening');
      expect(listening.msg).toBe(
        `HTTP ingress listening on http://127.0.0.1:${port} (gateway.http): telegram POST /tg`,
      );
      await gateway.waitForLog('Gateway running');
      expect(api.webhook?.url).toBe(`http://127.0.0.1:${port}/tg`);
      const post = (body: unknown) =>
        fetch(`http://127.0.0.1:${port}/tg`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SECRET_HEADER]: SECRET },
          body: JSON.stringify(body),
        });
      const malformed = await post({ update_id: 1, message: { message_id: 1, date: 1, chat: [], text: 5 } });
      expect(malformed.status).toBe(200);
      expect(await malformed.json()).toEqual({ ok: true, ignored: 'invalid_message' });
      const valid = await post({
        update_id: 2,
        message: { message_id: 2, date: 1_700_000_000, chat: DM_CHAT, from: ADA, text: 'hello hermes' },
      });
      expect(valid.status).toBe(200);
      // the echo answer streams: a first message, then edits to the whole text
      await eventually(
        () =>
          [...api.callsOf('sendMessage'), ...api.callsOf('editMessageText')].some(
            (c) => c.params.text === 'hello hermes',
          ),
        15_000,
        'the echo reply',
      );
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
    } finally {
      await api.close();
    }
    const status = await runHermes(['gateway', 'status'], { HERMES_HOME: home });
    expect(status.stdout).toContain('HTTP ingress requests since the gateway started (as last recorded):');
    expect(status.stdout).toContain('telegram POST /tg: 1 accepted, 1 ignored (invalid_message 1)');
  });
});
