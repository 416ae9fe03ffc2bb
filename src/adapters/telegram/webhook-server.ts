/**
 * The webhook listener: a small HTTP server that takes Telegram's update
 * POSTs on the webhook URL's path. It checks the
 * `X-Telegram-Bot-Api-Secret-Token` header (401 and a log line when wrong),
 * refuses malformed JSON (400), and answers 200 only after the update was
 * handled, so Telegram redelivers anything the gateway did not accept (500).
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';
import type { AdapterLogger } from '../contract.ts';

/** The header Telegram sends the webhook secret in. */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** Largest accepted update body (Telegram's updates are far smaller). */
const BODY_LIMIT_BYTES = 1024 * 1024;

/** Options of `startWebhookServer`. */
export interface WebhookServerOptions {
  host: string;
  port: number;
  /** Path to serve (the webhook URL's path). */
  path: string;
  secret: string;
  handle(update: Update): Promise<void>;
  log: AdapterLogger;
}

/** A listening webhook server. */
export interface WebhookServer {
  /** Where it listens (the real port when started with port 0). */
  address(): { host: string; port: number };
  close(): Promise<void>;
}

/**
 * Starts listening; resolves once the port is open.
 *
 * @example
 * const server = await startWebhookServer({ host: '0.0.0.0', port: 8443, path: '/telegram', secret, handle, log });
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const server = createServer((req, res) => {
    serve(req, res, options).catch((error) => {
      options.log.error({ err: String(error) }, 'telegram: webhook request failed');
      if (!res.headersSent) reply(res, 500, 'internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    address: () => {
      const info = server.address() as AddressInfo;
      return { host: options.host, port: info.port };
    },
    close: () => closeServer(server),
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  options: WebhookServerOptions,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== options.path) return reply(res, 404, 'not found');
  if (req.method !== 'POST') return reply(res, 405, 'method not allowed');
  if (!secretMatches(req.headers[SECRET_HEADER], options.secret)) {
    options.log.warn(
      { remote: req.socket.remoteAddress },
      'telegram: webhook request with a wrong secret token refused (401)',
    );
    req.resume();
    return reply(res, 401, 'unauthorized');
  }
  const body = await readBody(req);
  if (body === undefined) return reply(res, 413, 'body too large');
  let update: Update;
  try {
    update = JSON.parse(body.toString('utf8')) as Update;
  } catch {
    return reply(res, 400, 'malformed JSON');
  }
  if (typeof update !== 'object' || update === null || typeof update.update_id !== 'number') {
    return reply(res, 400, 'not a Telegram update');
  }
  try {
    await options.handle(update);
  } catch (error) {
    options.log.error(
      { err: String(error), updateId: update.update_id },
      'telegram: update not accepted; Telegram will deliver it again',
    );
    return reply(res, 500, 'not accepted');
  }
  reply(res, 200, '');
}

function secretMatches(header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const given = Buffer.from(header);
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
  res.end(text);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
