/**
 * The HTTP ingress: one Fastify server for every webhook platform, and the
 * factory the API server is built with.
 */
export {
  findNotCommitted,
  type HttpProblem,
  NotCommittedError,
  notCommitted,
  UnusablePayloadError,
} from './errors.ts';
export {
  createIngress,
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_WEBHOOK_RATE_LIMIT,
  type HttpIngress,
  type IngressOptions,
  type MountedRoute,
  type OpenedRoute,
  openWebhookRoute,
} from './ingress.ts';
export { describeIngress, ingressOptionsFromConfig, legacyIngressVariables } from './ingress-config.ts';
export {
  formatIngressCounts,
  INGRESS_COUNTS_KEY,
  IngressCounters,
  type IngressCounts,
  type OutcomeKind,
  type RouteCounts,
  recordIngressCounts,
} from './ingress-counters.ts';
export {
  accepted,
  ignored,
  type RateLimit,
  type RouteOutcome,
  rejected,
  skipped,
  type WebhookMethod,
  type WebhookRequest,
  type WebhookRoute,
  type WebhookRouteSpec,
} from './webhook-route.ts';
