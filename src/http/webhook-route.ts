/**
 * A webhook route on the HTTP ingress: what an adapter declares, the request
 * its handler gets (the raw body for signature checks, JSON on demand), the
 * outcomes it answers with, and the rules every route follows:
 *
 * - the platform gets its 2xx only after the handler returned, that is after
 *   `ctx.ingest()` committed the message to the inbox;
 * - a payload the adapter cannot use (not JSON, wrong types, missing chat,
 *   unknown update type) is answered 2xx "ignored" when the platform
 *   redelivers non-2xx answers (Telegram, Slack), else 400, and is counted;
 * - a bad signature or secret is a 401/403, a body over the limit 413, too many
 *   requests 429;
 * - the only 5xx is 503, when the message was not committed (the store failed,
 *   or the adapter is not running), so the platform's redelivery is right;
 * - an unexpected error of the handler is logged with its stack and treated as
 *   an unusable payload: retrying the same payload would fail the same way.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdapterContext, AdapterLogger } from '../adapters/contract.ts';
import {
  findNotCommitted,
  type HttpProblem,
  NotCommittedError,
  notCommitted,
  notCommittedProblem,
  UnusablePayloadError,
} from './errors.ts';
import type { IngressCounters, OutcomeKind } from './ingress-counters.ts';

/** At most `max` requests per `windowMs` from one client address, per route. */
export interface RateLimit {
  max: number;
  windowMs: number;
}

/** The HTTP methods a webhook route may answer. */
export type WebhookMethod = 'POST' | 'PUT' | 'GET';

/** A request as a webhook handler sees it. */
export interface WebhookRequest {
  readonly method: string;
  /** The path, without the query string. */
  readonly path: string;
  /** The query string's parameters (some platforms verify a URL with a GET and a challenge there). */
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The client address (the proxy's forwarded one with `gateway.http.trust_proxy`). */
  readonly ip: string;
  /** The body exactly as received, for signature checks (empty when there was none). */
  readonly rawBody: Buffer;
  /** One header's value (the first when repeated), by case-insensitive name. */
  header(name: string): string | undefined;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON; throws `UnusablePayloadError('not_json')` when it is not JSON. */
  json(): unknown;
}

/** What a handler answers. */
export type RouteOutcome =
  /** Committed (or a duplicate of a committed message): 200 with `body` (default `{ ok: true }`). */
  | { kind: 'accepted'; body?: unknown }
  /** A valid payload the adapter's policy leaves out (not addressed, a bot's own message): 200. */
  | { kind: 'skipped'; reason: string }
  /** A payload that cannot be used: 200 where the platform redelivers, else 400. */
  | { kind: 'ignored'; reason: string; detail?: string }
  /** Refused: 4xx (bad signature 401/403, ...). */
  | { kind: 'rejected'; problem: HttpProblem };

/** 200: committed; `body` is the answer (e.g. Slack's URL verification challenge; a string goes as text). */
export function accepted(body?: unknown): RouteOutcome {
  return body === undefined ? { kind: 'accepted' } : { kind: 'accepted', body };
}

/** 200: a valid payload the adapter leaves out on purpose (logged at debug, counted). */
export function skipped(reason: string): RouteOutcome {
  return { kind: 'skipped', reason };
}

/** A payload that cannot be used (logged as a warning with the reason, counted). */
export function ignored(reason: string, detail?: string): RouteOutcome {
  return detail === undefined ? { kind: 'ignored', reason } : { kind: 'ignored', reason, detail };
}

/**
 * A refused request: 401 (missing or wrong credentials), 403 (forbidden), 400.
 *
 * @example
 * if (!secretMatches) return rejected(401, 'bad_secret', 'wrong secret token');
 */
export function rejected(status: 400 | 401 | 403, reason: string, message: string): RouteOutcome {
  const code =
    status === 401
      ? 'GATEWAY_ERR_UNAUTHORIZED'
      : status === 403
        ? 'GATEWAY_ERR_FORBIDDEN'
        : 'GATEWAY_ERR_BAD_REQUEST';
  return { kind: 'rejected', problem: { status, code, reason, message } };
}

/** What an adapter declares. */
export interface WebhookRouteSpec {
  /** The adapter that owns the route (its name): logs, counters and its own encapsulated scope. */
  owner: string;
  /** Default POST. */
  method?: WebhookMethod;
  /** The path to serve, e.g. `/telegram` (from the webhook URL the platform is given). */
  path: string;
  /** Largest accepted body in bytes (default: the ingress's, `gateway.http.body_limit_bytes`). */
  bodyLimit?: number;
  /** Requests per window per client address (default: the ingress's); `false` for none. */
  rateLimit?: RateLimit | false;
  /**
   * Whether the platform delivers a request again after a non-2xx answer (default true).
   * Then an unusable payload is answered 200 "ignored" instead of 400: otherwise one bad
   * update would come back for hours and hold up the chat.
   */
  redelivers?: boolean;
  /**
   * Handles one request: check the signature on `request.rawBody`, parse, normalise, and
   * `await ctx.ingest()` before answering `accepted()`. `ctx` is the adapter's context with
   * an `ingest` whose failures become 503. Throw `UnusablePayloadError` or return `ignored()`
   * for a payload that cannot be used.
   */
  handler(request: WebhookRequest, ctx: AdapterContext): Promise<RouteOutcome>;
}

/** A mounted route: the adapter attaches its context while it runs. */
export interface WebhookRoute {
  /** `<owner> <METHOD> <path>`, as logs and counters name it. */
  readonly id: string;
  readonly owner: string;
  readonly method: WebhookMethod;
  readonly path: string;
  /**
   * Starts taking requests with `ctx` (call it from `start()`); returns `ctx` with an
   * `ingest` that marks its failures as not committed (use it for every ingest of this
   * route, also from an SDK's listeners). Until then, and after `detach()`, requests get
   * 503 so the platform delivers them again later.
   */
  attach(ctx: AdapterContext): AdapterContext;
  /** Stops taking requests (call it from `stop()`). */
  detach(): void;
}

/** What the ingress gives a route when mounting it. */
export interface RouteMountDeps {
  counters: IngressCounters;
  log: AdapterLogger;
  /** Writes a problem in the ingress's shape. */
  sendProblem(reply: FastifyReply, problem: HttpProblem): FastifyReply;
  bodyLimit: number;
  rateLimit: RateLimit | false;
}

/** The id of a route. */
export function routeId(owner: string, method: string, path: string): string {
  return `${owner} ${method} ${path}`;
}

/** Config keys the ingress reads back from a request's route. */
export interface IngressRouteConfig {
  routeId?: string;
  redelivers?: boolean;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function toWebhookRequest(request: FastifyRequest): WebhookRequest {
  const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  let parsed: { value: unknown } | undefined;
  return {
    method: request.method,
    path: pathOf(request.url),
    query: new URLSearchParams(
      request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '',
    ),
    headers: request.headers,
    ip: request.ip,
    rawBody,
    header(name) {
      const value = request.headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    },
    text: () => rawBody.toString('utf8'),
    json() {
      if (!parsed) {
        try {
          parsed = { value: JSON.parse(rawBody.toString('utf8')) };
        } catch {
          throw new UnusablePayloadError(
            rawBody.length === 0 ? 'empty_body' : 'not_json',
            rawBody.length === 0 ? 'the body is empty' : 'the body is not JSON',
          );
        }
      }
      return parsed.value;
    },
  };
}

/** The outcome of an error a handler threw. */
function outcomeOfThrown(error: unknown): RouteOutcome | NotCommittedError {
  const failed = findNotCommitted(error);
  if (failed) return failed;
  if (error instanceof UnusablePayloadError) return ignored(error.reason, error.message);
  return ignored('handler_error', error instanceof Error ? error.message : String(error));
}

/**
 * Mounts one route in an owner's scope (the ingress calls this when it boots).
 *
 * @returns the handle the adapter attaches its context to
 */
export function createWebhookRoute(spec: WebhookRouteSpec): WebhookRoute & {
  mount(scope: FastifyInstance, deps: RouteMountDeps): void;
} {
  const method = spec.method ?? 'POST';
  const id = routeId(spec.owner, method, spec.path);
  const redelivers = spec.redelivers ?? true;
  let current: AdapterContext | undefined;

  const guard = (ctx: AdapterContext): AdapterContext => ({
    ...ctx,
    ingest: async (message) => {
      try {
        return await ctx.ingest(message);
      } catch (error) {
        throw notCommitted(error);
      }
    },
  });

  return {
    id,
    owner: spec.owner,
    method,
    path: spec.path,
    attach(ctx) {
      current = guard(ctx);
      return current;
    },
    detach() {
      current = undefined;
    },
    mount(scope, deps) {
      const rateLimit = spec.rateLimit ?? deps.rateLimit;
      const config: IngressRouteConfig & { rateLimit: false | { max: number; timeWindow: number } } = {
        routeId: id,
        redelivers,
        rateLimit: rateLimit === false ? false : { max: rateLimit.max, timeWindow: rateLimit.windowMs },
      };
      const { log, counters } = deps;
      const where = { route: id };

      const count = (kind: OutcomeKind, reason?: string) => counters.record(id, kind, reason);

      scope.route({
        method,
        url: spec.path,
        bodyLimit: spec.bodyLimit ?? deps.bodyLimit,
        config,
        handler: async (request, reply) => {
          const ctx = current;
          if (!ctx) {
            const problem = notCommittedProblem(
              new NotCommittedError('not_running', `${spec.owner} is not running`),
            );
            count('not_committed', problem.reason);
            log.warn(where, `${spec.owner}: 503 not running: the platform will deliver it again (${id})`);
            return deps.sendProblem(reply, problem);
          }
          let outcome: RouteOutcome | NotCommittedError;
          try {
            outcome = await spec.handler(toWebhookRequest(request), ctx);
          } catch (error) {
            outcome = outcomeOfThrown(error);
            if (!(outcome instanceof NotCommittedError) && !(error instanceof UnusablePayloadError)) {
              log.error({ ...where, err: error }, `${spec.owner}: the handler failed on a payload (${id})`);
            }
          }
          if (outcome instanceof NotCommittedError) {
            const problem = notCommittedProblem(outcome);
            count('not_committed', problem.reason);
            log.error(
              { ...where, err: outcome.cause ?? outcome },
              `${spec.owner}: 503 not committed (${outcome.reason}): the platform will deliver it again`,
            );
            return deps.sendProblem(reply, problem);
          }
          switch (outcome.kind) {
            case 'accepted':
              count('accepted');
              return reply.code(200).send(outcome.body ?? { ok: true });
            case 'skipped':
              count('skipped', outcome.reason);
              log.debug({ ...where, reason: outcome.reason }, `${spec.owner}: skipped (${outcome.reason})`);
              return reply.code(200).send({ ok: true, skipped: outcome.reason });
            case 'ignored': {
              count('ignored', outcome.reason);
              log.warn(
                { ...where, reason: outcome.reason, ...(outcome.detail ? { detail: outcome.detail } : {}) },
                `${spec.owner}: payload ignored (${outcome.reason}${outcome.detail ? `: ${outcome.detail}` : ''})`,
              );
              if (redelivers) return reply.code(200).send({ ok: true, ignored: outcome.reason });
              return deps.sendProblem(reply, {
                status: 400,
                code: 'GATEWAY_ERR_BAD_REQUEST',
                reason: outcome.reason,
                message: outcome.detail ?? 'The payload cannot be used',
              });
            }
            case 'rejected': {
              const { problem } = outcome;
              count('rejected', `${problem.status} ${problem.reason}`);
              log.warn(
                { ...where, status: problem.status, reason: problem.reason, remote: request.ip },
                `${spec.owner}: ${problem.status} ${problem.reason}: ${problem.message} (${id})`,
              );
              return deps.sendProblem(reply, problem);
            }
          }
        },
      });
    },
  };
}
