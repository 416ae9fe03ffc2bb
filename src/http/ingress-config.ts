/**
 * The ingress's settings from `gateway.http` in config.yaml (with
 * `HERMES_HTTP_HOST` / `HERMES_HTTP_PORT`, and the older platform variables
 * `TELEGRAM_WEBHOOK_PORT` / `_HOST` and `SLACK_EVENTS_PORT` / `_HOST` that now
 * set the same keys).
 */
import { legacyIngressVariables } from '../config/env-overrides.ts';
import type { GatewayConfig } from '../config/schema.ts';
import type { IngressOptions } from './ingress.ts';

export { legacyIngressVariables };

/**
 * `createIngress` options (without the logger) from the validated configuration.
 *
 * @example
 * const http = createIngress({ ...ingressOptionsFromConfig(config.gateway.http), log });
 */
export function ingressOptionsFromConfig(
  http: GatewayConfig['gateway']['http'],
): Omit<IngressOptions, 'log'> {
  return {
    host: http.host,
    port: http.port,
    bodyLimit: http.body_limit_bytes,
    rateLimit: http.rate_limit_per_minute > 0 ? { max: http.rate_limit_per_minute, windowMs: 60_000 } : false,
    trustProxy: http.trust_proxy,
  };
}

/**
 * What `hermes gateway --check` says about the ingress: where it will listen, what is
 * mounted, and which platform variables now set its port or interface.
 */
export function describeIngress(
  http: GatewayConfig['gateway']['http'],
  routes: { id: string }[],
  env: NodeJS.ProcessEnv,
): string[] {
  if (routes.length === 0) return [];
  const lines = [
    `HTTP ingress (gateway.http): ${http.host}:${http.port}, routes: ${routes.map((r) => r.id).join('; ')}`,
  ];
  for (const legacy of legacyIngressVariables(env)) {
    const own = `HERMES_HTTP_${legacy.key.split('.').at(-1)?.toUpperCase()}`;
    lines.push(
      legacy.overriddenBy
        ? `  ${legacy.variable} is not used: ${legacy.overriddenBy} sets ${legacy.key}, the shared HTTP ingress ${legacy.why} listens on`
        : `  ${legacy.variable} sets ${legacy.key}: ${legacy.why} now listens on the shared HTTP ingress (${own} or ${legacy.key} in config.yaml is the same setting)`,
    );
  }
  return lines;
}
