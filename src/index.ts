/**
 * hermes-gateway: the embeddable runtime.
 *
 * @example
 * import { createGateway, createSqliteStore, createAgent } from 'hermes-gateway';
 * const gateway = createGateway({ store: createSqliteStore({ path: 'state.db' }), agent: createAgent({ backend: 'echo' }), adapters: [] });
 * await gateway.start();
 */
export * from './adapters/contract.ts';
export * from './agent/index.ts';
export * from './errors.ts';
export * from './persistence/index.ts';
export { createApiServerAdapter, type ApiServerAdapter, type ApiServerOptions } from './adapters/api-server/index.ts';
export {
  createGateway,
  DEFAULT_RUNTIME_SETTINGS,
  type Gateway,
  type GatewayObservation,
  type GatewayOptions,
  type RuntimeSettings,
} from './runtime/create-gateway.ts';
export { type RuntimeLogger, silentLogger } from './runtime/logger.ts';
export { sessionKeyOf, type SessionKeyPolicy } from './runtime/session-key.ts';
export type { SessionView } from './actors/session-directory.ts';
export { MACHINES, gatewayMachine, sessionMachine, GATEWAY_MACHINE_VERSION, SESSION_MACHINE_VERSION } from './machines/index.ts';
export type { SessionContext, SessionEvent, PendingMessage } from './machines/session.ts';
export type { GatewayContext, GatewayEvent } from './machines/gateway.ts';
export { loadConfig } from './config/load-config.ts';
export { validateConfig } from './config/validate-config.ts';
export type { GatewayConfig } from './config/schema.ts';
export { startFromConfig } from './runtime/from-config.ts';
