/**
 * The operator server's routes: the login, the page and its files, the JSON
 * model, the server-sent event stream of state changes, and the actions.
 * Everything but the login form and the stylesheet needs a login; every POST
 * that changes something needs the login's CSRF header (or a bearer token).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Gateway } from '../runtime/gateway-api.ts';
import type { EventStreams } from './event-streams.ts';
import type { InspectionFeed } from './inspection-feed.ts';
import type { ActionOutcome, OperatorActions } from './operator-actions.ts';
import { CSRF_HEADER, type OperatorAuth, type OperatorCaller } from './operator-auth.ts';
import { CONTENT_SECURITY_POLICY, loginPage, operatorPage } from './operator-page.ts';

/** The diagrams the page may load, by machine id, from `visualizations/`. */
export const DIAGRAM_FILES: Readonly<Record<string, string>> = {
  gateway: 'gateway.svg',
  session: 'session.svg',
  breaker: 'breaker.svg',
  backgroundTask: 'background-task.svg',
};

const here = dirname(fileURLToPath(import.meta.url));
const PAGE_DIR = join(here, 'page');
const DIAGRAM_DIR = join(here, '..', '..', 'visualizations');
const STORE_DIR = dirname(createRequire(import.meta.url).resolve('@xstate/store'));

/** The files the page loads, read once. */
function readAssets() {
  return {
    js: readFileSync(join(PAGE_DIR, 'operator.js'), 'utf8'),
    css: readFileSync(join(PAGE_DIR, 'operator.css'), 'utf8'),
    /** The package's ES modules, read on first request. */
    vendor: new Map<string, string>(),
  };
}

/** What the routes need. */
export interface OperatorRouteDeps {
  gateway: Gateway;
  feed: InspectionFeed;
  auth: OperatorAuth;
  actions: OperatorActions;
  streams: EventStreams;
}

function denied(reply: FastifyReply, caller: OperatorCaller): FastifyReply {
  const reason =
    caller.via === 'none' && caller.reason === 'invalid' ? 'Wrong or expired login' : 'Log in first';
  return reply
    .code(401)
    .header('www-authenticate', 'Bearer realm="hermes-operator"')
    .send({ ok: false, error: { code: 'GATEWAY_ERR_UNAUTHORIZED', message: reason } });
}

function answer(reply: FastifyReply, outcome: ActionOutcome): FastifyReply {
  if (outcome.ok) return reply.send({ ok: true, message: outcome.message });
  return reply.code(outcome.status).send({ ok: false, error: { message: outcome.message } });
}

function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name] ?? '';
}

/**
 * Registers the routes on a Fastify scope.
 *
 * @example
 * http.mount('operator', async (scope) => registerOperatorRoutes(scope, deps));
 */
export async function registerOperatorRoutes(scope: FastifyInstance, deps: OperatorRouteDeps): Promise<void> {
  const { auth, actions } = deps;
  const assets = readAssets();
  const secure = (request: FastifyRequest) => request.protocol === 'https';

  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  scope.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cache-control', 'no-store');
    return payload;
  });

  /** The caller, or undefined after answering 401 (API) or sending to the login form (page). */
  const callerOf = (request: FastifyRequest, reply: FastifyReply, page = false) => {
    const caller = auth.caller(request.headers);
    if (caller.via !== 'none') return caller;
    if (page) reply.code(303).header('location', '/login').send();
    else denied(reply, caller);
    return undefined;
  };

  /** The caller of a POST that changes something, or undefined after refusing it. */
  const actorOf = (request: FastifyRequest, reply: FastifyReply) => {
    const caller = callerOf(request, reply);
    if (!caller) return undefined;
    if (auth.mayAct(caller, request.headers[CSRF_HEADER])) return caller;
    reply.code(403).send({
      ok: false,
      error: {
        code: 'GATEWAY_ERR_FORBIDDEN',
        message: `Send the page's CSRF token in the ${CSRF_HEADER} header`,
      },
    });
    return undefined;
  };

  scope.get('/login', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(loginPage(false)),
  );

  scope.post('/login', { config: { rateLimit: { max: 20, timeWindow: 60_000 } } }, async (request, reply) => {
    const token = (request.body as { token?: unknown } | undefined)?.token;
    const json = !String(request.headers['content-type'] ?? '').includes('form-urlencoded');
    const login = auth.login(token);
    if (!login) {
      if (json) return denied(reply, { via: 'none', reason: 'invalid' });
      return reply.code(401).type('text/html; charset=utf-8').send(loginPage(true));
    }
    reply.header('set-cookie', auth.cookie(login.sessionId, secure(request)));
    if (json) return reply.send({ ok: true, csrf: login.csrf });
    return reply.code(303).header('location', '/').send();
  });

  scope.post('/logout', async (request, reply) => {
    const caller = auth.caller(request.headers);
    if (caller.via === 'cookie') auth.logout(caller.sessionId);
    return reply.code(303).header('set-cookie', auth.clearCookie()).header('location', '/login').send();
  });

  scope.get('/assets/operator.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').send(assets.css),
  );

  scope.get('/', async (request, reply) => {
    const caller = callerOf(request, reply, true);
    if (!caller) return reply;
    if (caller.via !== 'cookie') return reply.code(303).header('location', '/login').send();
    return reply.type('text/html; charset=utf-8').send(operatorPage(caller.csrf));
  });

  scope.get('/assets/operator.js', async (request, reply) => {
    if (!callerOf(request, reply)) return reply;
    return reply.type('text/javascript; charset=utf-8').send(assets.js);
  });

  scope.get('/vendor/xstate-store/:file', async (request, reply) => {
    if (!callerOf(request, reply)) return reply;
    const file = param(request, 'file');
    let text = assets.vendor.get(file);
    if (text === undefined && /^[\w.-]+\.js$/.test(file)) {
      try {
        text = readFileSync(join(STORE_DIR, file), 'utf8');
        assets.vendor.set(file, text);
      } catch {
        text = undefined;
      }
    }
    if (text === undefined) return reply.code(404).send({ ok: false, error: { message: 'No such file' } });
    return reply.type('text/javascript; charset=utf-8').send(text);
  });

  scope.get('/diagrams/:machine', async (request, reply) => {
    if (!callerOf(request, reply)) return reply;
    const file = DIAGRAM_FILES[param(request, 'machine').replace(/\.svg$/, '')];
    if (!file) return reply.code(404).send({ ok: false, error: { message: 'No such diagram' } });
    return reply.type('image/svg+xml').send(readFileSync(join(DIAGRAM_DIR, file), 'utf8'));
  });

  scope.get('/api/state', async (request, reply) => {
    if (!callerOf(request, reply)) return reply;
    return reply.send(deps.streams.model());
  });

  scope.get('/api/sessions/:key', async (request, reply) => {
    if (!callerOf(request, reply)) return reply;
    const entry = await actions.inspectSession(param(request, 'key'));
    if (!entry) return reply.code(404).send({ ok: false, error: { message: 'No such session' } });
    return reply.send(entry);
  });

  scope.get('/api/events', async (request, reply) => {
    if (!callerOf(request, reply)) return reply;
    reply.hijack();
    deps.streams.open(request.raw, reply.raw);
  });

  scope.post('/api/platforms/:name/:action', async (request, reply) => {
    if (!actorOf(request, reply)) return reply;
    const name = param(request, 'name');
    const action = param(request, 'action');
    if (action === 'pause') return answer(reply, actions.pausePlatform(name));
    if (action === 'resume') return answer(reply, actions.resumePlatform(name));
    return reply.code(404).send({ ok: false, error: { message: `No action ${action}` } });
  });

  scope.post('/api/sessions/:key/:action', async (request, reply) => {
    if (!actorOf(request, reply)) return reply;
    const key = param(request, 'key');
    const action = param(request, 'action');
    if (action === 'approve') return answer(reply, await actions.resolveApproval(key, true));
    if (action === 'deny') return answer(reply, await actions.resolveApproval(key, false));
    if (action === 'stop') return answer(reply, await actions.stopRun(key));
    return reply.code(404).send({ ok: false, error: { message: `No action ${action}` } });
  });
}
