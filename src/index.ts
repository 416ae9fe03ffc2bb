/**
 * hermes-gateway: the embeddable runtime.
 *
 * @example
 * import { createGateway, createSqliteStore, createAgent } from 'hermes-gateway';
 * const gateway = createGateway({ store: createSqliteStore({ path: 'state.db' }), agent: createAgent({ backend: 'echo' }), adapters: [] });
 * await gateway.start();
 */

export type { SessionView } from './actors/session-directory.ts';
export {
  type ApiServerAdapter,
  type ApiServerOptions,
  createApiServerAdapter,
} from './adapters/api-server/index.ts';
export * from './adapters/contract.ts';
export * from './adapters/kit/index.ts';
export type {
  PlatformDefinition,
  PlatformOptionsResult,
  PlatformServices,
  PlatformSource,
  PlatformVariable,
} from './adapters/platform-definition.ts';
export * from './agent/index.ts';
export { loadConfig } from './config/load-config.ts';
export type { GatewayConfig } from './config/schema.ts';
export { validateConfig } from './config/validate-config.ts';
export * from './errors.ts';
export * from './http/index.ts';
export { type RuntimeLogger, silentLogger } from './log/runtime-logger.ts';
export type { GatewayContext, GatewayEvent } from './machines/gateway.ts';
export {
  GATEWAY_MACHINE_VERSION,
  gatewayMachine,
  MACHINES,
  SESSION_MACHINE_VERSION,
  sessionMachine,
} from './machines/index.ts';
export type { PendingMessage, SessionContext, SessionEvent } from './machines/session.ts';
export type { MediaRef } from './media/media-ref.ts';
export { type ActorState, InspectionFeed } from './operator/inspection-feed.ts';
export {
  createOperatorServer,
  type OperatorServer,
  type OperatorServerOptions,
} from './operator/operator-server.ts';
export * from './persistence/index.ts';
export {
  createGateway,
  DEFAULT_RUNTIME_SETTINGS,
  type Gateway,
  type GatewayObservation,
  type GatewayOptions,
  type MediaOptions,
  type RuntimeSettings,
} from './runtime/create-gateway.ts';
export { startFromConfig } from './runtime/from-config.ts';
export { type SessionKeyPolicy, sessionKeyOf } from './runtime/session-key.ts';
export * from './skills/index.ts';
export * from './voice/index.ts';
