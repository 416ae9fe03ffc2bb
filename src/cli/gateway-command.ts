/**
 * `hermes gateway`: runs the gateway in the foreground until SIGTERM or SIGINT.
 * Resolves and prepares the home, writes a starter config on the first run, loads
 * and validates the configuration, opens the log and starts the runtime.
 * `--check` stops after validation and tells where the HTTP ingress would
 * listen and what mounts on it.
 */
import { existsSync } from 'node:fs';
import { loadHomeEnv } from '../config/env-file.ts';
import { ensureHome, resolveHome } from '../config/home.ts';
import { configPath, loadConfig } from '../config/load-config.ts';
import { tightenHome } from '../config/private-home.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { writeStarterConfig } from '../config/starter-config.ts';
import { ConfigError } from '../errors.ts';
import { createLogger, type Logger, logFilePath } from '../logger.ts';
import { EXIT_FAILURE, EXIT_INTERRUPTED, reportError } from './report-error.ts';
import { starterNotice } from './starter-notice.ts';

/** A started gateway runtime. */
export interface RunningGateway {
  /** Drains and stops everything; `reason` goes to the log. */
  stop(reason: string): Promise<void>;
}

/** What the runtime needs to start. */
export interface StartRuntimeOptions {
  config: GatewayConfig;
  home: string;
  logger: Logger;
}

/** Starts the gateway runtime from a validated configuration. */
export type StartRuntime = (opts: StartRuntimeOptions) => Promise<RunningGateway>;

/** Signals that stop the foreground gateway. */
export type StopSignal = 'SIGTERM' | 'SIGINT';

/** The process around the command (replaced in tests and by embedding apps). */
export interface GatewayCommandDeps {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Starts the runtime (default: `startFromConfig` of the runtime module). */
  startRuntime: StartRuntime;
  /** Subscribes to SIGTERM and SIGINT; returns the unsubscribe function. */
  onSignal: (handler: (signal: StopSignal) => void) => () => void;
  /** Ends the process at once (a second signal during shutdown). */
  exit: (code: number) => void;
  /** Also write log lines to stdout (default true; they always go to the log file). */
  logToStdout?: boolean;
}

/** Options of `hermes gateway`. */
export interface GatewayCommandOptions {
  /** Validate the configuration, print where it is and exit. */
  check?: boolean;
}

/** The module that builds the runtime from a configuration. */

/** Starts the runtime through `src/runtime/from-config.ts`. */
export const startRuntimeFromModule: StartRuntime = async (opts) => {
  const { startFromConfig } = await import('../runtime/from-config.ts');
  return startFromConfig(opts);
};

/** Subscribes to SIGTERM and SIGINT of this process. */
export function onProcessSignal(handler: (signal: StopSignal) => void): () => void {
  const listener = (signal: NodeJS.Signals): void => handler(signal as StopSignal);
  process.on('SIGTERM', listener);
  process.on('SIGINT', listener);
  return () => {
    process.off('SIGTERM', listener);
    process.off('SIGINT', listener);
  };
}

/** The log message naming what `tightenHome` made private. */
function privateHomeNotice(tightened: ReadonlyArray<{ path: string; was: string }>): string {
  const list = tightened.map((t) => `${t.path} (was ${t.was})`).join(', ');
  return `Hermes home was readable by other users; made private (owner only): ${list}`;
}

/** Runs the started gateway until the first signal, then stops it. Resolves with the exit code. */
async function runUntilSignal(
  deps: GatewayCommandDeps,
  start: () => Promise<RunningGateway>,
  logger: Logger,
): Promise<number> {
  let running: RunningGateway | undefined;
  let signalled: StopSignal | undefined;
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const stop = (gateway: RunningGateway, signal: StopSignal): void => {
    gateway.stop(`signal ${signal}`).then(
      () => {
        logger.info({ signal }, 'gateway stopped');
        finish(0);
      },
      (error: unknown) => {
        logger.error({ err: error, signal }, 'gateway did not stop cleanly');
        finish(EXIT_FAILURE);
      },
    );
  };
  const unsubscribe = deps.onSignal((signal) => {
    if (signalled !== undefined) {
      logger.warn({ signal }, 'second signal: exiting without waiting for shutdown');
      deps.exit(EXIT_INTERRUPTED);
      return;
    }
    signalled = signal;
    logger.info({ signal }, 'stopping the gateway (send the signal again to exit at once)');
    if (running) stop(running, signal);
  });
  try {
    running = await start();
  } catch (error) {
    unsubscribe();
    logger.fatal({ err: error }, 'gateway failed to start');
    throw error;
  }
  logger.info('gateway running');
  if (signalled !== undefined) stop(running, signalled);
  try {
    return await finished;
  } finally {
    unsubscribe();
  }
}

/**
 * Runs `hermes gateway` and resolves with the process exit code: 0 after a clean
 * stop or a passing `--check`, 2 for configuration problems, 1 for other failures.
 */
export async function runGatewayCommand(
  options: GatewayCommandOptions,
  deps: GatewayCommandDeps,
): Promise<number> {
  const home = resolveHome(deps.env);
  const path = configPath(home);
  try {
    // `hermes gateway setup` saves tokens there; the environment wins over the file
    loadHomeEnv(deps.env);
    ensureHome(home);
    const tightened = options.check ? [] : tightenHome(home);
    if (!options.check) {
      const starter = writeStarterConfig(home);
      if (starter) deps.stderr(starterNotice(starter, deps.env));
    }
    const config = loadConfig({ home, env: deps.env });
    if (options.check) {
      const { platformAdapters } = await import('../adapters/platforms.ts');
      const { createIngress, describeIngress, ingressOptionsFromConfig } = await import('../http/index.ts');
      // the ingress is not started: it only collects the routes the webhook platforms would mount
      const http = createIngress({
        ...ingressOptionsFromConfig(config.gateway.http),
        log: { info() {}, warn() {}, error() {}, debug() {} },
      });
      const platforms = platformAdapters(config, deps.env, home, { http }).map((a) => a.name);
      const source = existsSync(path) ? '' : ' (no file yet: defaults and environment variables)';
      deps.stdout(`Configuration OK: ${path}${source}\n`);
      deps.stdout(`Platforms: ${platforms.length ? platforms.join(', ') : 'none besides the API server'}\n`);
      for (const line of describeIngress(config.gateway.http, http.routes(), deps.env))
        deps.stdout(`${line}\n`);
      return 0;
    }
    const logger = createLogger({
      home,
      level: config.logging.level,
      stdout: deps.logToStdout !== false,
      rotation: { maxBytes: config.logging.max_size_mb * 1024 * 1024, keep: config.logging.keep },
    });
    logger.info({ home, config: path, log: logFilePath(home) }, 'gateway starting');
    if (tightened.length > 0) logger.warn({ tightened }, privateHomeNotice(tightened));
    return await runUntilSignal(deps, () => deps.startRuntime({ config, home, logger }), logger);
  } catch (error) {
    const code = reportError(error, deps.stderr);
    if (error instanceof ConfigError) {
      deps.stderr(`Configuration file: ${path} (environment variables override it)\n`);
    }
    return code;
  }
}
