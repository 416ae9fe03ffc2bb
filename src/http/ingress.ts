/**
 * The HTTP ingress: one Fastify server that every webhook platform mounts its
 * routes on (Telegram's webhook, Slack's Events API, and the platforms to
 * come), configured once under `gateway.http`. Each adapter's routes live in
 * their own encapsulated Fastify scope; a path taken by another adapter and a
 * route mounted after the server started listening are refused with coded
 * errors. Every route gets the raw body, a body limit and a rate limit, and
 * follows the outcome rules of `webhook-route.ts` (2xx only after the inbox
 * commit, 2xx "ignored" or 4xx for what cannot be used, 503 only when the
 * message was not committed). The OpenAI-compatible API server is built with
 * the same factory on its own port.
 */
import { STATUS_CODES } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyReply } from 'fastify';
import type { AdapterContext, AdapterLogger } from '../adapters/contract.ts';
import { GatewayError } from '../errors.ts';
import { type HttpProblem, notFoundProblem, problemOf, rateLimitedError } from './errors.ts';
import { IngressCounters, UNMATCHED_ROUTE } from './ingress-counters.ts';
import {
  createWebhookRoute,
  type IngressRouteConfig,
  type RateLimit,
  type WebhookRoute,
  type WebhookRouteSpec,
} from './webhook-route.ts';

/** Default body limit of a route: 1 MiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** Default rate limit of a webhook route: 1,200 requests a minute per client address. */
export const DEFAULT_WEBHOOK_RATE_LIMIT: RateLimit = { max: 1200, windowMs: 60_000 };

/** Options of `createIngress`. */
export interface IngressOptions {
  /** Interface to listen on (`gateway.http.host`). */
  host: string;
  /** Port to listen on (`gateway.http.port`); 0 picks a free one. */
  port: number;
  log: AdapterLogger;
  /** Names the ingress in log lines, e.g. `http` (default) or `api`. */
  name?: string;
  /** Largest accepted body in bytes (routes may lower or raise it). Default 1 MiB. */
  bodyLimit?: number;
  /**
   * The rate limit of every route that does not set its own, per client address;
   * `false` for none. Default 1,200 a minute.
   */
  rateLimit?: RateLimit | false;
  /** Take the client address from `X-Forwarded-For` (behind a reverse proxy). Default false. */
  trustProxy?: boolean;
  /**
   * Writes the body of a refused request. Default: `{ ok: false, error: { code, reason, message } }`.
   * The API server writes OpenAI's error object.
   */
  render?: (problem: HttpProblem) => unknown;
  /**
   * Maps an error raised outside a webhook handler (Fastify, a plugin, a route of
   * `mount`) to a problem; `bodyLimitBytes` is the limit of the request's route.
   * Default: `problemOf`.
   */
  problemOf?: (error: unknown, bodyLimitBytes: number) => HttpProblem;
}

/** A mounted route, as `routes()` lists them. */
export interface MountedRoute {
  id: string;
  owner: string;
  method: string;
  path: string;
}

/**
 * The ingress: mount routes, then listen.
 *
 * @example
 * const http = createIngress({ host: '127.0.0.1', port: 8443, log });
 * const route = http.route({ owner: 'telegram', path: '/telegram', handler: async (req, ctx) => accepted() });
 * await http.listen();
 * // in the adapter's start(): const guarded = route.attach(ctx);
 */
export interface HttpIngress {
  /** The Fastify instance, for what `route` does not cover (the API server's streaming routes). */
  readonly fastify: FastifyInstance;
  /** What happened to the requests, per route and reason. */
  readonly counters: IngressCounters;
  /**
   * Mounts a webhook route in its owner's scope. Throws `GATEWAY_ERR_HTTP_DUPLICATE_ROUTE`
   * when another route has the method and path, `GATEWAY_ERR_HTTP_LATE_ROUTE` once the
   * ingress listens, `GATEWAY_ERR_OPTION` for a bad spec.
   */
  route(spec: WebhookRouteSpec): WebhookRoute;
  /** Registers a Fastify plugin as `owner`'s encapsulated scope (before `listen`). */
  mount(owner: string, plugin: FastifyPluginAsync): void;
  /** The webhook routes mounted so far. */
  routes(): MountedRoute[];
  /** Whether `listen` was called. */
  readonly listening: boolean;
  /**
   * Starts listening; resolves with the address. Throws `GATEWAY_ERR_HTTP_LISTEN` when the
   * port is in use or the address cannot be bound.
   */
  listen(): Promise<{ host: string; port: number }>;
  /** Where it listens (the real port when started with 0), once listening. */
  address(): { host: string; port: number } | undefined;
  /** Finishes the requests in flight and closes the server. */
  close(): Promise<void>;
}

function optionError(message: string, details: Record<string, unknown> = {}): GatewayError {
  return new GatewayError('GATEWAY_ERR_OPTION', message, details);
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** The default body of a refused request. */
export function webhookProblemBody(problem: HttpProblem): unknown {
  return { ok: false, error: { code: problem.code, reason: problem.reason, message: problem.message } };
}

function checkRateLimit(value: RateLimit | false, what: string): void {
  if (value === false) return;
  if (
    !Number.isInteger(value.max) ||
    value.max < 1 ||
    !Number.isInteger(value.windowMs) ||
    value.windowMs < 1
  ) {
    throw optionError(`${what}: expected whole numbers max >= 1 and windowMs >= 1, or false`, {
      option: 'rateLimit',
    });
  }
}

/**
 * Creates an ingress (not yet listening).
 *
 * @example
 * const http = createIngress({ host: config.gateway.http.host, port: config.gateway.http.port, log });
 */
export function createIngress(options: IngressOptions): HttpIngress {
  const name = options.name ?? 'http';
  const log = options.log;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT_BYTES;
  const defaultRateLimit = options.rateLimit ?? DEFAULT_WEBHOOK_RATE_LIMIT;
  if (!Number.isInteger(bodyLimit) || bodyLimit < 1) {
    throw optionError(`${name}: bodyLimit: expected a positive whole number of bytes, got ${bodyLimit}`, {
      option: 'bodyLimit',
    });
  }
  checkRateLimit(defaultRateLimit, `${name}: rateLimit`);
  const render = options.render ?? webhookProblemBody;
  const classify = options.problemOf ?? problemOf;
  const counters = new IngressCounters();
  const mounted: MountedRoute[] = [];
  const taken = new Map<string, string>();
  const scopes = new Map<string, ReturnType<typeof createWebhookRoute>[]>();
  let listening = false;

  const sendProblem = (reply: FastifyReply, problem: HttpProblem): FastifyReply => {
    if (problem.retryAfterSeconds !== undefined)
      reply.header('retry-after', String(problem.retryAfterSeconds));
    return reply.code(problem.status).type('application/json; charset=utf-8').send(render(problem));
  };

  const logProblem = (problem: HttpProblem, source: { method: string; url: string }, cause?: unknown) => {
    const entry = {
      status: problem.status,
      code: problem.code,
      reason: problem.reason,
      method: source.method,
      url: source.url,
      ...(cause === undefined ? {} : { err: cause }),
    };
    const line = `${name}: ${problem.status} ${problem.reason}: ${problem.message}`;
    if (problem.status >= 500) log.error(entry, line);
    else log.warn(entry, line);
  };

  const fastify = Fastify({
    logger: false,
    bodyLimit,
    return503OnClosing: false,
    trustProxy: options.trustProxy ?? false,
    clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      let problem: HttpProblem;
      if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
        problem = {
          status: 408,
          code: 'GATEWAY_ERR_BAD_REQUEST',
          reason: 'request_timeout',
          message: 'The request took too long to arrive',
        };
      } else if (error.code === 'HPE_HEADER_OVERFLOW') {
        problem = {
          status: 431,
          code: 'GATEWAY_ERR_BAD_REQUEST',
          reason: 'headers_too_large',
          message: 'The request headers are too large',
        };
      } else {
        problem = {
          status: 400,
          code: 'GATEWAY_ERR_BAD_REQUEST',
          reason: 'malformed_request',
          message: 'Malformed HTTP request',
        };
      }
      counters.record(UNMATCHED_ROUTE, 'rejected', `${problem.status} ${problem.reason}`);
      logProblem(problem, { method: '-', url: '-' }, error);
      if (!socket.writable) {
        socket.destroy();
        return;
      }
      const body = JSON.stringify(render(problem));
      socket.end(
        `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
          'Content-Type: application/json; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          'Connection: close\r\n\r\n' +
          body,
      );
    },
  });

  void fastify.register(rateLimit, {
    global: defaultRateLimit !== false,
    ...(defaultRateLimit === false
      ? {}
      : { max: defaultRateLimit.max, timeWindow: defaultRateLimit.windowMs }),
    errorResponseBuilder: (_request, context) => rateLimitedError(context),
  });

  fastify.setErrorHandler((error, request, reply) => {
    const config = request.routeOptions.config as IngressRouteConfig;
    const route = config.routeId ?? UNMATCHED_ROUTE;
    const problem = classify(error, request.routeOptions.bodyLimit ?? bodyLimit);
    if (problem.status >= 500 && problem.status !== 503 && config.routeId && config.redelivers) {
      // a webhook the platform redelivers: an unexpected error would only come back again
      counters.record(route, 'ignored', 'handler_error');
      log.error(
        { route, err: error },
        `${name}: payload ignored (handler_error): ${error instanceof Error ? error.message : String(error)}`,
      );
      return reply.code(200).send({ ok: true, ignored: 'handler_error' });
    }
    if (problem.status === 503) counters.record(route, 'not_committed', problem.reason);
    else counters.record(route, 'rejected', `${problem.status} ${problem.reason}`);
    logProblem(
      problem,
      { method: request.method, url: request.url },
      problem.status >= 500 ? error : undefined,
    );
    return sendProblem(reply, problem);
  });

  fastify.setNotFoundHandler((request, reply) => {
    const problem = notFoundProblem(request.method, pathOf(request.url));
    counters.record(UNMATCHED_ROUTE, 'rejected', `${problem.status} ${problem.reason}`);
    logProblem(problem, { method: request.method, url: request.url });
    return sendProblem(reply, problem);
  });

  const refuseLate = (what: string): void => {
    if (!listening) return;
    const where = ingress.address();
    throw new GatewayError(
      'GATEWAY_ERR_HTTP_LATE_ROUTE',
      `${what}: the HTTP ingress already listens${where ? ` on ${where.host}:${where.port}` : ''}; routes are mounted before it starts (create the adapters first)`,
      { route: what },
    );
  };

  const ingress: HttpIngress = {
    fastify,
    counters,

    route(spec) {
      const method = spec.method ?? 'POST';
      const label = `${spec.owner} ${method} ${spec.path}`;
      if (typeof spec.owner !== 'string' || spec.owner.trim() === '') {
        throw optionError(`${name}: route ${method} ${spec.path}: owner: expected the adapter's name`, {
          option: 'owner',
        });
      }
      if (typeof spec.path !== 'string' || !spec.path.startsWith('/')) {
        throw optionError(
          `${label}: path: expected a path starting with /, got ${JSON.stringify(spec.path)}`,
          {
            option: 'path',
          },
        );
      }
      if (spec.bodyLimit !== undefined && (!Number.isInteger(spec.bodyLimit) || spec.bodyLimit < 1)) {
        throw optionError(`${label}: bodyLimit: expected a positive whole number of bytes`, {
          option: 'bodyLimit',
        });
      }
      if (spec.rateLimit !== undefined) checkRateLimit(spec.rateLimit, `${label}: rateLimit`);
      refuseLate(label);
      const key = `${method} ${spec.path}`;
      const holder = taken.get(key);
      if (holder !== undefined) {
        throw new GatewayError(
          'GATEWAY_ERR_HTTP_DUPLICATE_ROUTE',
          `${key} is already mounted by ${holder}; ${spec.owner} cannot mount it too. Give each platform its own webhook path`,
          { method, path: spec.path, owner: spec.owner, mountedBy: holder },
        );
      }
      taken.set(key, spec.owner);
      const route = createWebhookRoute(spec);
      let scope = scopes.get(spec.owner);
      if (!scope) {
        const routesOfOwner: ReturnType<typeof createWebhookRoute>[] = [];
        scope = routesOfOwner;
        scopes.set(spec.owner, routesOfOwner);
        void fastify.register(async (owned) => {
          // webhooks verify signatures over the exact bytes: every body arrives raw
          owned.removeAllContentTypeParsers();
          owned.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
          for (const r of routesOfOwner) {
            r.mount(owned, { counters, log, sendProblem, bodyLimit, rateLimit: defaultRateLimit });
          }
        });
      }
      scope.push(route);
      mounted.push({ id: route.id, owner: spec.owner, method, path: spec.path });
      return route;
    },

    mount(owner, plugin) {
      refuseLate(`${owner} routes`);
      void fastify.register(async (scope) => {
        // errors of these routes are counted under the owner's name
        scope.addHook('onRoute', (route) => {
          const methods = Array.isArray(route.method) ? route.method.join(',') : route.method;
          route.config = {
            ...route.config,
            routeId: `${owner} ${methods} ${route.url}`,
          } as typeof route.config;
        });
        await scope.register(plugin);
      });
    },

    routes: () => mounted.map((r) => ({ ...r })),

    get listening() {
      return listening;
    },

    async listen() {
      if (listening) throw new GatewayError('GATEWAY_ERR_STATE', `${name}: the HTTP ingress already listens`);
      listening = true;
      try {
        await fastify.listen({ host: options.host, port: options.port });
      } catch (error) {
        listening = false;
        await fastify.close().catch(() => {});
        throw listenError(error, name, options.host, options.port);
      }
      return ingress.address() as { host: string; port: number };
    },

    address() {
      if (!listening) return undefined;
      const address = fastify.server.address() as AddressInfo | string | null;
      if (address === null || typeof address === 'string') return undefined;
      return { host: options.host, port: address.port };
    },

    async close() {
      if (!listening) return;
      await fastify.close();
    },
  };
  return ingress;
}

function listenError(error: unknown, name: string, host: string, port: number): GatewayError {
  const e = error as { code?: unknown; message?: unknown };
  if (e.code === 'FST_ERR_DUPLICATED_ROUTE') {
    return new GatewayError(
      'GATEWAY_ERR_HTTP_DUPLICATE_ROUTE',
      `${name}: ${String(e.message)}; give each route its own path`,
      {},
      { cause: error },
    );
  }
  const code = typeof e.code === 'string' ? e.code : 'listen_failed';
  const why =
    code === 'EADDRINUSE'
      ? 'the port is in use'
      : code === 'EACCES'
        ? 'the port is not permitted (ports below 1024 need privileges)'
        : code === 'EADDRNOTAVAIL'
          ? 'the address is not on this machine'
          : String(e.message ?? error);
  const fix = 'choose a free port (gateway.http.port or HERMES_HTTP_PORT) or stop the process that holds it';
  return new GatewayError(
    'GATEWAY_ERR_HTTP_LISTEN',
    `${name}: cannot listen on ${host}:${port}: ${why}. Fix: ${fix}`,
    {
      host,
      port,
      reason: code,
      retryable: code === 'EADDRINUSE',
      fix,
    },
    { cause: error },
  );
}

/** A webhook route an adapter opened for one run: on the shared ingress, or on one of its own. */
export interface OpenedRoute {
  route: WebhookRoute;
  /** The adapter's context with the guarded `ingest` (use it for everything of this run). */
  ctx: AdapterContext;
  /** Where the route listens. */
  address(): { host: string; port: number } | undefined;
  /** Detaches the route, and closes the adapter's own ingress when it has one. */
  close(): Promise<void>;
}

/**
 * Opens an adapter's webhook route for one run (call it from `start()`): the route it
 * mounted on the gateway's ingress when it was created, or, for an adapter embedded
 * without a shared ingress, a route on an ingress of its own on `standalone`'s host and
 * port, started here. Throws `GATEWAY_ERR_HTTP_LISTEN` when that one cannot listen.
 *
 * @example
 * const opened = await openWebhookRoute({ shared: this.#route, ingress: options.http, spec: () => spec,
 *   standalone: { name: 'telegram', host: '0.0.0.0', port: 8443 }, ctx });
 * // stop(): await opened.close();
 */
export async function openWebhookRoute(options: {
  /** The route mounted on the shared ingress, when there is one. */
  shared: WebhookRoute | undefined;
  /** The shared ingress (for the address). */
  ingress: HttpIngress | undefined;
  spec: () => WebhookRouteSpec;
  standalone: { name: string; host: string; port: number };
  ctx: AdapterContext;
}): Promise<OpenedRoute> {
  const own = options.shared ? undefined : createIngress({ ...options.standalone, log: options.ctx.log });
  const route = options.shared ?? (own as HttpIngress).route(options.spec());
  const ctx = route.attach(options.ctx);
  if (own) {
    try {
      await own.listen();
    } catch (error) {
      route.detach();
      throw error;
    }
  }
  return {
    route,
    ctx,
    address: () => (own ?? options.ingress)?.address(),
    async close() {
      route.detach();
      await own?.close();
    },
  };
}
