/**
 * The real gateway on SQLite with every inbound HTTP surface: one shared
 * ingress with Telegram's webhook (against the fake Bot API) and Slack's
 * Events API (against the fake Slack), and the OpenAI-compatible API server on
 * its own port. Tests post payloads as the platforms would, read what the
 * inbox holds, and can make the store fail its commits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { type ApiServerAdapter, createApiServerAdapter } from '../../src/adapters/api-server/index.ts';
import { SlackAdapter } from '../../src/adapters/slack/slack-adapter.ts';
import { SECRET_HEADER, TelegramAdapter } from '../../src/adapters/telegram/index.ts';
import { createEchoAgent } from '../../src/agent/echo-agent.ts';
import { createIngress, type HttpIngress } from '../../src/http/index.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import { FakeSlack } from '../adapters/slack/fake/fake-slack.ts';
import { signedHeaders } from '../adapters/slack/fake/signing.ts';
import { ALICE, CHANNELS, WORKSPACE } from '../adapters/slack/fake/workspace.ts';
import { FakeBotApi } from '../adapters/telegram/fake-bot-api.ts';
import { freePort } from '../adapters/telegram/harness.ts';
import { ADA, DM_CHAT, GROUP_CHAT, TOKEN } from '../adapters/telegram/telegram-peer.ts';

/** The webhook secret Telegram is given. */
export const TELEGRAM_SECRET = 'property-test-secret_0123456789';

/** The path of Telegram's webhook on the ingress. */
export const TELEGRAM_PATH = '/telegram/hook';

/** The API server's key. */
export const API_KEY = 'property-test-key-0123456789';

/** Alice's DM with the bot in the fake Slack. */
export const SLACK_DM = CHANNELS[0]?.id as string;

/** One HTTP answer. */
export interface Answer {
  status: number;
  body: unknown;
}

/** The running world. */
export interface WebhookWorld {
  gateway: Gateway;
  http: HttpIngress;
  api: ApiServerAdapter;
  telegramApi: FakeBotApi;
  slack: FakeSlack;
  /** Posts a body to Telegram's webhook (with the right secret unless `secret` says otherwise). */
  postTelegram(body: string | Uint8Array, secret?: string | null): Promise<Answer>;
  /** Posts a body to the Events API, signed with the signing secret unless `sign` says otherwise. */
  postSlack(body: string, sign?: { secret?: string; timestamp?: number } | null): Promise<Answer>;
  /** Posts a body to `POST /v1/chat/completions` with the key. */
  postCompletion(body: string | Uint8Array, contentType?: string): Promise<Answer>;
  /** Inbox rows of every status, as `platform:platformMessageId`. */
  inbox(): Promise<string[]>;
  /** Makes every inbox insert fail inside the commit (as a full disk would), or stops it. */
  failInboxWrites(fail: boolean): void;
  close(): Promise<void>;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, body };
}

/** A Telegram update with a text message from Ada in her DM. */
export function telegramUpdate(updateId: number, text: string, overrides: Record<string, unknown> = {}) {
  return {
    update_id: updateId,
    message: { message_id: updateId, date: 1_700_000_000, chat: DM_CHAT, from: ADA, text, ...overrides },
  };
}

/** A Telegram update from Ada in the group, addressed to nobody. */
export function telegramGroupUpdate(updateId: number, text: string) {
  return telegramUpdate(updateId, text, { chat: GROUP_CHAT });
}

let slackTs = 0;

/** An Events API envelope with Alice's DM message. */
export function slackEnvelope(text: string, overrides: Record<string, unknown> = {}) {
  slackTs += 1;
  const ts = `1700000000.${String(slackTs).padStart(6, '0')}`;
  return {
    token: 'fake-verification-token',
    team_id: WORKSPACE.teamId,
    api_app_id: WORKSPACE.appId,
    type: 'event_callback',
    event_id: `Ev${slackTs}`,
    event_time: 1_700_000_000,
    event: {
      type: 'message',
      channel: SLACK_DM,
      channel_type: 'im',
      user: ALICE.id,
      text,
      ts,
      event_ts: ts,
      ...overrides,
    },
  };
}

/**
 * Starts the world.
 *
 * @example
 * const world = await startWebhookWorld();
 * await world.postTelegram(JSON.stringify(telegramUpdate(1, 'hi')));
 */
export async function startWebhookWorld(): Promise<WebhookWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-ingress-'));
  const dbPath = join(dir, 'state.db');
  const telegramApi = new FakeBotApi({ token: TOKEN });
  await telegramApi.start();
  telegramApi.addChat(DM_CHAT);
  telegramApi.addChat(GROUP_CHAT);
  const slack = await FakeSlack.start('http');
  const quiet = { info() {}, warn() {}, error() {}, debug() {} };
  const port = await freePort();
  const http = createIngress({ host: '127.0.0.1', port, log: quiet, rateLimit: false });
  const telegram = new TelegramAdapter({
    token: TOKEN,
    apiRoot: telegramApi.url,
    webhook: { url: `http://127.0.0.1:${port}${TELEGRAM_PATH}`, secret: TELEGRAM_SECRET },
    http,
  });
  const slackAdapter = new SlackAdapter({
    botToken: WORKSPACE.botToken,
    signingSecret: WORKSPACE.signingSecret,
    slackApiUrl: slack.apiUrl,
    http,
  });
  const api = createApiServerAdapter({ key: API_KEY, host: '127.0.0.1', port: 0, replyTimeoutMs: 5000 });
  await http.listen();
  const store = createSqliteStore({ path: dbPath });
  const gateway = createGateway({
    store,
    agent: createEchoAgent(),
    adapters: [telegram, slackAdapter, api],
    closeStoreOnStop: true,
  });
  await gateway.start();
  const side = new SQLite(dbPath, { timeout: 5000 });
  const origin = `http://127.0.0.1:${port}`;
  return {
    gateway,
    http,
    api,
    telegramApi,
    slack,
    async postTelegram(body, secret = TELEGRAM_SECRET) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (secret !== null) headers[SECRET_HEADER] = secret;
      return answer(await fetch(`${origin}${TELEGRAM_PATH}`, { method: 'POST', headers, body }));
    },
    async postSlack(body, sign = {}) {
      const headers =
        sign === null
          ? { 'content-type': 'application/json' }
          : signedHeaders(sign.secret ?? WORKSPACE.signingSecret, body, sign.timestamp);
      return answer(await fetch(`${origin}/slack/events`, { method: 'POST', headers, body }));
    },
    async postCompletion(body, contentType = 'application/json') {
      return answer(
        await fetch(`http://127.0.0.1:${api.address().port}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${API_KEY}`, 'content-type': contentType },
          body,
        }),
      );
    },
    async inbox() {
      await store.flush();
      const rows = side
        .prepare('SELECT platform, platform_message_id AS message_id FROM inbox ORDER BY id')
        .all() as {
        platform: string;
        message_id: string;
      }[];
      return rows.map((r) => `${r.platform}:${r.message_id}`);
    },
    failInboxWrites(fail) {
      if (fail) {
        side.exec(
          "CREATE TRIGGER IF NOT EXISTS inbox_full BEFORE INSERT ON inbox BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;",
        );
      } else {
        side.exec('DROP TRIGGER IF EXISTS inbox_full');
      }
    },
    async close() {
      await http.close();
      await gateway.settled(10_000).catch(() => {});
      await gateway.stop();
      side.close();
      await telegramApi.close();
      await slack.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
