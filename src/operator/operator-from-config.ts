/**
 * Starts the operator page `hermes gateway` serves when `operator.enabled` is
 * true: on `operator.host:operator.port`, with `operator.token` (else the API
 * server key) as the login.
 */
import type { GatewayConfig } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { Gateway } from '../runtime/gateway-api.ts';
import type { InspectionFeed } from './inspection-feed.ts';
import { isLoopbackHost, operatorLogin } from './operator-config.ts';
import { createOperatorServer, type OperatorServer } from './operator-server.ts';

/**
 * Creates and starts the operator server of a configuration.
 *
 * @example
 * const feed = new InspectionFeed();
 * const gateway = createGateway({ ...options, inspect: feed.inspect });
 * await gateway.start();
 * const operator = await startOperatorFromConfig({ config, gateway, feed, logger });
 */
export async function startOperatorFromConfig(opts: {
  config: GatewayConfig;
  gateway: Gateway;
  feed: InspectionFeed;
  logger: Logger;
}): Promise<OperatorServer> {
  const { config, logger } = opts;
  const operator = config.operator;
  const server = createOperatorServer({
    gateway: opts.gateway,
    feed: opts.feed,
    token: operatorLogin(operator, config.api_server.key) ?? '',
    host: operator.host,
    port: operator.port,
    // validation refused a public host without its own token
    public: !isLoopbackHost(operator.host) && operator.token !== undefined,
    log: logger,
  });
  const { host, port } = await server.listen();
  logger.info({ host, port, url: `http://${host}:${port}/` }, 'Operator page listening');
  return server;
}
