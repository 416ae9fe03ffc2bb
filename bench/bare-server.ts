/**
 * The baseline: a bare fastify route on 127.0.0.1 that answers
 * `POST /v1/chat/completions` with the same JSON shape as the gateway (the
 * echo of the last user message), without ingest, sessions, agent or store.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { chatCompletion } from '../src/adapters/api-server/completion-objects.ts';
import { CHAT_COMPLETIONS_PATH } from './load-spec.ts';

/** A listening baseline server. */
export interface BareServer {
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  close(): Promise<void>;
}

interface ChatBody {
  messages?: { content?: unknown }[];
}

/**
 * Starts the baseline server on a free port of 127.0.0.1.
 *
 * @example
 * const bare = await startBareServer();
 * // POST `${bare.baseUrl}/v1/chat/completions`
 * await bare.close();
 */
export async function startBareServer(): Promise<BareServer> {
  const app = Fastify({ logger: false });
  app.post(CHAT_COMPLETIONS_PATH, async (request, reply) => {
    const messages = (request.body as ChatBody).messages ?? [];
    const last = messages[messages.length - 1]?.content;
    const id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
    reply.header('X-Hermes-Session-Id', request.headers['x-hermes-session-id'] ?? randomUUID());
    return chatCompletion(
      { id, created: Math.floor(Date.now() / 1000), model: 'hermes-agent' },
      typeof last === 'string' ? last : '',
    );
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}
