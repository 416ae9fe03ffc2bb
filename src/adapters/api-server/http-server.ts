/**
 * The API server's HTTP ingress, built with the gateway's ingress factory
 * (same error handling, body limit, rate limit support and client-error
 * answers as the webhook ingress) on the API server's own port: the bearer
 * check on `/v1/*`, the shutdown gate, and every refused request in OpenAI's
 * error shape.
 */

import { createIngress, type HttpIngress } from '../../http/ingress.ts';
import type { RateLimit } from '../../http/webhook-route.ts';
import type { AdapterLogger } from '../contract.ts';
import type { BearerChecker } from './auth.ts';
import {
  authenticationFailed,
  openAIErrorBody,
  openAIProblemOf,
  sendProblem,
  shuttingDown,
} from './openai-errors.ts';

/** Options of `createHttpServer`. */
export interface HttpServerOptions {
  host: string;
  port: number;
  bodyLimitBytes: number;
  /** Requests per window per client address and route; `false` for none. */
  rateLimit: RateLimit | false;
  checkBearer: BearerChecker;
  log: AdapterLogger;
  /** True once the adapter is stopping: every new request gets a 503. */
  isClosing: () => boolean;
}

/** The path of a request URL, without its query string. */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** Whether a path is under `/v1` and needs the bearer key. */
export function needsBearer(url: string): boolean {
  const path = pathOf(url);
  return path === '/v1' || path.startsWith('/v1/');
}

/**
 * Builds the ingress (routes are mounted by the caller, then it listens).
 *
 * @example
 * const http = createHttpServer({ host: '127.0.0.1', port: 8642, bodyLimitBytes: 1 << 20, rateLimit: false, checkBearer, log, isClosing: () => false });
 * http.mount('api', async (scope) => registerRoutes(scope, deps));
 * await http.listen();
 */
export function createHttpServer(options: HttpServerOptions): HttpIngress {
  const { log } = options;
  const http = createIngress({
    name: 'api',
    host: options.host,
    port: options.port,
    log,
    bodyLimit: options.bodyLimitBytes,
    rateLimit: options.rateLimit,
    render: (problem) => openAIErrorBody(openAIProblemOf(problem)),
  });

  http.fastify.addHook('onRequest', async (request, reply) => {
    if (options.isClosing()) return sendProblem(reply, log, shuttingDown());
    if (!needsBearer(request.url)) return;
    const check = options.checkBearer(request.headers.authorization);
    if (check === 'missing') {
      return sendProblem(
        reply,
        log,
        authenticationFailed(
          'Missing API key: send it as "Authorization: Bearer <API_SERVER_KEY>" (the OpenAI SDK does this with apiKey)',
        ),
      );
    }
    if (check === 'invalid') {
      return sendProblem(reply, log, authenticationFailed('Incorrect API key provided'));
    }
  });

  return http;
}
