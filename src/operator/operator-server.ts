/**
 * The operator server: the live operator page on its own listener (loopback by
 * default), built on the gateway's HTTP ingress factory. It shows every
 * platform, session and background task with its state on its diagram, and
 * lets a logged-in operator pause and resume platforms, answer approvals and
 * stop runs.
 */
import type { AdapterLogger } from '../adapters/contract.ts';
import { GatewayError } from '../errors.ts';
import { createIngress } from '../http/ingress.ts';
import type { Gateway } from '../runtime/gateway-api.ts';
import { EventStreams } from './event-streams.ts';
import type { InspectionFeed } from './inspection-feed.ts';
import { operatorActions } from './operator-actions.ts';
import { OperatorAuth } from './operator-auth.ts';
import { isLoopbackHost, OPERATOR_TOKEN_MIN_LENGTH } from './operator-config.ts';
import { registerOperatorRoutes } from './operator-routes.ts';

/** Options of `createOperatorServer`. */
export interface OperatorServerOptions {
  gateway: Gateway;
  /** The feed given to `createGateway({ inspect: feed.inspect })`. */
  feed: InspectionFeed;
  /** The login (`operator.token`, else the API server key); at least 16 characters. */
  token: string;
  /** Default 127.0.0.1. Another host needs `public: true` (config: an explicit `operator.token`). */
  host?: string;
  /** Default 8644; 0 picks a free port. */
  port?: number;
  /** Allow a host other than loopback. */
  public?: boolean;
  log: AdapterLogger;
  now?: () => number;
}

/** A running (or startable) operator server. */
export interface OperatorServer {
  listen(): Promise<{ host: string; port: number }>;
  address(): { host: string; port: number } | undefined;
  /** Ends the event streams and closes the listener. */
  close(): Promise<void>;
}

/**
 * Creates the operator server (not yet listening).
 *
 * @throws GatewayError `GATEWAY_ERR_OPTION` for a short token or a public host without `public: true`.
 * @example
 * const feed = new InspectionFeed();
 * const gateway = createGateway({ store, agent, adapters, inspect: feed.inspect });
 * const operator = createOperatorServer({ gateway, feed, token, log });
 * await gateway.start();
 * await operator.listen(); // http://127.0.0.1:8644/
 */
export function createOperatorServer(options: OperatorServerOptions): OperatorServer {
  const host = options.host ?? '127.0.0.1';
  if (typeof options.token !== 'string' || options.token.trim().length < OPERATOR_TOKEN_MIN_LENGTH) {
    throw new GatewayError(
      'GATEWAY_ERR_OPTION',
      `The operator page needs a login of at least ${OPERATOR_TOKEN_MIN_LENGTH} characters`,
      { option: 'token', fix: 'set operator.token (or api_server.key) to a long random string' },
    );
  }
  if (!isLoopbackHost(host) && options.public !== true) {
    throw new GatewayError('GATEWAY_ERR_OPTION', `The operator page listens on loopback only, not ${host}`, {
      option: 'host',
      fix: 'set operator.token to a random string of at least 16 characters to listen on another host',
    });
  }
  const http = createIngress({
    name: 'operator',
    host,
    port: options.port ?? 8644,
    log: options.log,
    rateLimit: false,
  });
  const streams = new EventStreams(options.gateway, options.feed);
  const deps = {
    gateway: options.gateway,
    feed: options.feed,
    auth: new OperatorAuth(options.token, options.now),
    actions: operatorActions(options.gateway),
    streams,
  };
  http.mount('operator', async (scope) => registerOperatorRoutes(scope, deps));
  return {
    listen: () => http.listen(),
    address: () => http.address(),
    async close() {
      streams.closeAll();
      await http.close();
    },
  };
}
