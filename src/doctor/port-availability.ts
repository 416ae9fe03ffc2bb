/**
 * The ports the gateway will listen on: `api_server` (when enabled) and
 * `gateway.http` (when a webhook platform is configured: Telegram with
 * `TELEGRAM_WEBHOOK_URL`, Slack with the Events API). Each is bound for a moment
 * on its host; a busy port is told apart as this home's running gateway or
 * another program.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import type { SlackOptions } from '../adapters/slack/slack-options.ts';
import type { TelegramOptions } from '../adapters/telegram/telegram-options.ts';
import { STATE_DB_FILE } from '../config/home.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { type CheckResult, fail, ok, warn } from './check-result.ts';
import type { ConfiguredPlatform } from './platform-credentials.ts';

/** One listener the gateway will open. */
export interface Listener {
  /** The config section, `api_server` or `gateway.http`. */
  key: string;
  host: string;
  port: number;
}

/** The listeners the configuration opens. */
export function configuredListeners(
  config: GatewayConfig,
  platforms: readonly ConfiguredPlatform[],
): Listener[] {
  const listeners: Listener[] = [];
  if (config.api_server.enabled) {
    listeners.push({ key: 'api_server', host: config.api_server.host, port: config.api_server.port });
  }
  const webhook = platforms.some(
    (p) =>
      (p.name === 'telegram' && (p.options as TelegramOptions).webhook !== undefined) ||
      (p.name === 'slack' &&
        !(p.options as SlackOptions).appToken &&
        (p.options as SlackOptions).signingSecret),
  );
  if (webhook)
    listeners.push({ key: 'gateway.http', host: config.gateway.http.host, port: config.gateway.http.port });
  return listeners;
}

/** Binds `host:port` and closes it again; resolves with the error code when it cannot. */
function tryBind(host: string, port: number): Promise<string | undefined> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
    server.listen({ host, port, exclusive: true }, () => server.close(() => done(undefined)));
  });
}

/**
 * When this home's gateway is running (it recorded a start and no clean
 * shutdown, as `hermes gateway status` reads it), the time it started.
 */
export function runningGatewaySince(home: string): number | undefined {
  const path = join(home, STATE_DB_FILE);
  if (!existsSync(path)) return undefined;
  let db: SQLite.Database | undefined;
  try {
    db = new SQLite(path, { readonly: true, fileMustExist: true });
    const get = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
    const started = get.get('started_at')?.value;
    const clean = get.get('clean_shutdown')?.value;
    if (!started || (clean && Number(clean) >= Number(started))) return undefined;
    return Number(started);
  } catch {
    return undefined;
  } finally {
    db?.close();
  }
}

/** Checks one listener. */
async function checkListener(listener: Listener, home: string): Promise<CheckResult> {
  const name = `Port ${listener.key}`;
  const where = `${listener.host}:${listener.port}`;
  if (listener.port === 0) return ok(name, `${listener.key}.port is 0: the system picks a free port`);
  const error = await tryBind(listener.host, listener.port);
  if (error === undefined) return ok(name, `${where} is free`);
  if (error === 'EADDRINUSE') {
    const since = runningGatewaySince(home);
    if (since !== undefined) {
      return warn(
        name,
        `${where} is in use, by the gateway of this home that is running since ${new Date(since).toISOString()} (see "hermes gateway status")`,
        'nothing to do while it runs; stop it before starting a second gateway on this home',
      );
    }
    return fail(
      name,
      `${where} is in use by another program`,
      `stop that program (find it with: ss -ltnp 'sport = :${listener.port}') or set ${listener.key}.port to a free port`,
    );
  }
  if (error === 'EACCES') {
    return fail(
      name,
      `${where} needs privileges to bind (${error})`,
      `set ${listener.key}.port to a port above 1023`,
    );
  }
  return fail(
    name,
    `cannot bind ${where} (${error})`,
    `set ${listener.key}.host to an address of this machine (e.g. 127.0.0.1)`,
  );
}

/** Checks every configured listener. */
export async function checkPorts(
  config: GatewayConfig,
  platforms: readonly ConfiguredPlatform[],
  home: string,
): Promise<CheckResult[]> {
  const listeners = configuredListeners(config, platforms);
  if (listeners.length === 0)
    return [ok('Ports', 'no listener configured (api_server off, no webhook platform)')];
  return Promise.all(listeners.map((l) => checkListener(l, home)));
}
