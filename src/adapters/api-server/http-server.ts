/**
 * The fastify instance of the API server with everything that is not a route:
 * the bearer check on `/v1/*`, the shutdown gate, and the error, not-found and
 * client-error handlers that keep every answer in OpenAI's error shape.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AdapterLogger } from '../contract.ts';
import type { BearerChecker } from './auth.ts';
import {
  authenticationFailed,
  invalidRequest,
  logProblem,
  notFound,
  type OpenAIProblem,
  openAIErrorBody,
  problemFromError,
  sendProblem,
  shuttingDown,
} from './openai-errors.ts';

/** Options of `createHttpServer`. */
export interface HttpServerOptions {
  bodyLimitBytes: number;
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
 * Answers HTTP requests that Node could not even parse (bad request line,
 * oversized headers, timeouts) in OpenAI's error shape, then closes the socket.
 */
function clientErrorAnswer(log: AdapterLogger) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    let problem: OpenAIProblem;
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      problem = {
        ...invalidRequest('The request took too long to arrive', null, 'request_timeout'),
        status: 408,
      };
    } else if (error.code === 'HPE_HEADER_OVERFLOW') {
      problem = {
        ...invalidRequest('The request headers are too large', null, 'headers_too_large'),
        status: 431,
      };
    } else {
      problem = invalidRequest('Malformed HTTP request', null, 'malformed_request');
    }
    logProblem(log, problem, { method: '-', url: '-' }, error);
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify(openAIErrorBody(problem));
    socket.end(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  };
}

/**
 * Builds the fastify instance (routes are added by the caller).
 *
 * @example
 * const app = createHttpServer({ bodyLimitBytes: 1 << 20, checkBearer, log, isClosing: () => false });
 */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const { log } = options;
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimitBytes,
    return503OnClosing: false,
    clientErrorHandler: clientErrorAnswer(log),
  });

  app.addHook('onRequest', async (request, reply) => {
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

  app.setErrorHandler((error, _request, reply) => {
    const problem = problemFromError(error, options.bodyLimitBytes);
    return sendProblem(reply, log, problem, problem.status >= 500 ? error : undefined);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, log, notFound(request.method, pathOf(request.url))),
  );

  return app;
}
