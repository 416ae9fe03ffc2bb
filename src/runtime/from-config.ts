/**
 * Starts a gateway from a validated configuration: the SQLite store in
 * `$HERMES_HOME/state.db`, the configured agent backend, the enabled adapters
 * and the HTTP ingress (`gateway.http`) the webhook platforms mount their
 * routes on; it listens when a route was mounted and closes first at stop.
 * Used by `hermes gateway`.
 */
import { join } from 'node:path';
import { AccessControl } from '../access/access-control.ts';
import { accessWarnings } from '../access/allowlist.ts';
import { Pairing } from '../access/pairing.ts';
import { API_PLATFORM, createApiServerAdapter } from '../adapters/api-server/index.ts';
import type { Adapter } from '../adapters/contract.ts';
import { platformAdapters } from '../adapters/platforms.ts';
import { createAgent } from '../agent/create-agent.ts';
import { McpManager } from '../agent/mcp/mcp-manager.ts';
import { transcriberFromConfig } from '../agent/transcribe.ts';
import { CheckpointStore } from '../checkpoints/checkpoint-store.ts';
import { type GatewayJson, loadGatewayJson } from '../config/gateway-json.ts';
import { MEDIA_DIR_NAME, STATE_DB_FILE } from '../config/home.ts';
import { loadConfig } from '../config/load-config.ts';
import { createOnboarding } from '../config/onboarding.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { createIngress } from '../http/ingress.ts';
import { ingressOptionsFromConfig } from '../http/ingress-config.ts';
import { INGRESS_COUNTS_KEY, recordIngressCounts } from '../http/ingress-counters.ts';
import type { Logger } from '../logger.ts';
import { InspectionFeed } from '../operator/inspection-feed.ts';
import { startOperatorFromConfig } from '../operator/operator-from-config.ts';
import { createSqliteStore } from '../persistence/sqlite-store.ts';
import { skillFolders } from '../skills/discover-skills.ts';
import { synthesizerFromConfig } from '../voice/synthesize.ts';
import { createGateway, type Gateway, type RuntimeSettings } from './create-gateway.ts';
import { DEFAULT_RESET_POLICY, mergeResetPolicy } from './reset-policy.ts';

/** Runtime settings from the configuration (and the legacy gateway.json). */
export function settingsFromConfig(
  config: GatewayConfig,
  gatewayJson: GatewayJson = { reset_by_platform: {} },
): Partial<RuntimeSettings> {
  const reset = config.session_reset;
  const base = mergeResetPolicy(DEFAULT_RESET_POLICY, reset);
  return {
    resetPolicy: (platform, chatType) =>
      mergeResetPolicy(base, gatewayJson.reset_by_platform[platform], reset.by_chat_type[chatType]),
    passivateAfterMs: config.sessions.passivate_after_seconds * 1000,
    autoResumeWindowMs: config.sessions.auto_resume_window_hours * 3_600_000,
    restartBudget: {
      maxRestarts: config.gateway.restart_budget.max_restarts,
      windowMs: config.gateway.restart_budget.window_seconds * 1000,
    },
    drainTimeoutMs: config.gateway.drain_timeout_seconds * 1000,
    restartNotification: (platform) =>
      config.gateway.platforms[platform]?.gateway_restart_notification !== false,
    busyInputMode: config.display.busy_input_mode,
    busyAckEnabled: config.display.busy_ack_enabled,
    queueCap: config.display.busy_queue_cap,
    breaker: () => ({
      threshold: config.gateway.circuit_breaker.failure_threshold,
      windowMs: config.gateway.circuit_breaker.window_seconds * 1000,
      backoffMaxMs: config.gateway.circuit_breaker.max_backoff_seconds * 1000,
    }),
  };
}

/** The adapters the configuration enables. */
export function adaptersFromConfig(config: GatewayConfig): Adapter[] {
  const adapters: Adapter[] = [];
  if (config.api_server.enabled) {
    adapters.push(
      createApiServerAdapter({
        host: config.api_server.host,
        port: config.api_server.port,
        key: config.api_server.key ?? '',
        bodyLimitBytes: config.api_server.body_limit_bytes,
        modelName: config.api_server.model_name,
        rateLimit:
          config.api_server.rate_limit_per_minute > 0
            ? { max: config.api_server.rate_limit_per_minute, windowMs: 60_000 }
            : false,
        maxImageBytes: config.gateway.media.max_bytes,
      }),
    );
  }
  return adapters;
}

/** The media folder of a home and the limits config.yaml sets (`gateway.media`). */
export function mediaFromConfig(config: GatewayConfig, home: string) {
  const media = config.gateway.media;
  return {
    dir: join(home, MEDIA_DIR_NAME),
    maxBytes: media.max_bytes,
    retentionDays: media.retention_days,
    downloadTimeoutMs: media.download_timeout_seconds * 1000,
  };
}

/**
 * Creates and starts the gateway a configuration describes.
 *
 * @example
 * const running = await startFromConfig({ config: loadConfig({ home }), home, logger });
 * process.on('SIGTERM', () => running.stop('SIGTERM'));
 */
export async function startFromConfig(opts: {
  config: GatewayConfig;
  home: string;
  logger: Logger;
}): Promise<{ gateway: Gateway; stop(reason: string): Promise<void> }> {
  const { config, home, logger } = opts;
  const http = createIngress({ ...ingressOptionsFromConfig(config.gateway.http), log: logger });
  const transcribe = transcriberFromConfig(config.agent);
  const adapters = [
    ...adaptersFromConfig(config),
    ...platformAdapters(config, process.env, home, { http }, transcribe),
  ];
  const synthesize = synthesizerFromConfig(config.agent);
  const store = createSqliteStore({ path: join(home, STATE_DB_FILE) });
  const pairing = new Pairing({ store: store.pairing, log: logger });
  const access = new AccessControl({
    pairing,
    env: process.env,
    platforms: config.gateway.platforms,
    log: logger,
  });
  for (const warning of accessWarnings(process.env, config.gateway.platforms)) logger.warn({}, warning);
  const feed = config.operator.enabled ? new InspectionFeed() : undefined;
  const checkpoints = await CheckpointStore.open({
    home,
    workDir: process.cwd(),
    config: config.checkpoints,
  });
  const gateway = createGateway({
    store,
    agent: createAgent(config.agent, {
      backgroundNotifications: config.display.background_process_notifications,
      checkpoints,
      onCheckpointFailure: (err) => logger.warn({ err }, 'A file-system checkpoint could not be taken'),
    }),
    checkpoints,
    adapters,
    settings: settingsFromConfig(config, loadGatewayJson(home)),
    logger,
    closeStoreOnStop: true,
    config,
    access,
    onboarding: createOnboarding(home, config, logger),
    media: mediaFromConfig(config, home),
    skillFolders: skillFolders(home, config.skills.dirs),
    ...(transcribe ? { transcribe } : {}),
    ...(synthesize ? { speech: { synthesize } } : {}),
    // `/reload-mcp` reads config.yaml (and the environment) again
    mcp: new McpManager({
      servers: config.mcp_servers,
      log: logger,
      loadServers: () => loadConfig({ home }).mcp_servers,
    }),
    ...(feed ? { inspect: feed.inspect } : {}),
  });
  if (adapters.length === 0) {
    logger.warn(
      {},
      'No platform is enabled: set api_server.enabled (API_SERVER_ENABLED=true with API_SERVER_KEY) or configure a platform',
    );
  }
  const counts = recordIngressCounts(http.counters, store.meta, (error) =>
    logger.warn({ err: error }, 'The HTTP ingress counters could not be saved'),
  );
  const routes = http.routes().map((r) => r.id);
  if (routes.length > 0) {
    try {
      const { host, port } = await http.listen();
      logger.info(
        { host, port, routes },
        `HTTP ingress listening on http://${host}:${port} (gateway.http): ${routes.join('; ')}`,
      );
    } catch (error) {
      counts.stop();
      await store.close();
      throw error;
    }
  }
  try {
    await gateway.start();
  } catch (error) {
    counts.stop();
    await http.close();
    throw error;
  }
  let operator: Awaited<ReturnType<typeof startOperatorFromConfig>> | undefined;
  if (feed) {
    try {
      operator = await startOperatorFromConfig({ config, gateway, feed, logger });
    } catch (error) {
      counts.stop();
      await http.close();
      await gateway.stop('the operator page could not start');
      throw error;
    }
  }
  // the counts of an earlier run are not this run's
  await store.meta.set(INGRESS_COUNTS_KEY, JSON.stringify(http.counters.snapshot()));
  for (const adapter of adapters) {
    if (adapter.name === API_PLATFORM && 'address' in adapter && typeof adapter.address === 'function') {
      try {
        const { host, port } = (adapter as ReturnType<typeof createApiServerAdapter>).address();
        logger.info(
          { platform: adapter.name, host, port, url: `http://${host}:${port}/v1` },
          'API server listening',
        );
      } catch {
        // not listening: its link reported why
      }
    }
  }
  return {
    gateway,
    async stop(reason: string) {
      // no new webhook deliveries while draining: the platforms deliver them again after the restart
      await http.close();
      await operator?.close();
      await counts.flush();
      counts.stop();
      await gateway.stop(reason);
    },
  };
}
