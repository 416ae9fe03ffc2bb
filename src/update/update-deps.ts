/**
 * What the update logic needs from the outside world, shared by `/update` and
 * `hermes update`: where the gateway is installed, the process seam, the
 * registry, and how to restart.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunProcess, runProcess } from './run-process.ts';

/** The npm registry used when neither `update.registry` nor `npm_config_registry` name one. */
export const DEFAULT_REGISTRY = 'https://registry.npmjs.org';

/** The package name the gateway is published under. */
export const PACKAGE_NAME = 'hermes-gateway';

/** The folder holding the running gateway's `package.json`. */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The dependencies of the update logic. */
export interface UpdateDeps {
  /** The installed gateway's folder (its `package.json` is read for the version). */
  root: string;
  /** Runs git and npm. */
  run: RunProcess;
  /** The npm registry base URL. */
  registry: string;
  /** Fetches the registry (the global `fetch` by default). */
  fetch: typeof fetch;
  /** Whether the gateway runs as a service (then `restart` is called after an update). */
  service: boolean;
  /** Restarts the gateway service. */
  restart: () => Promise<void>;
  /** Whether the current user may write to `path`. */
  writable: (path: string) => Promise<boolean>;
}

/**
 * The registry to ask: `update.registry` from config.yaml, else `npm_config_registry`,
 * else the public npm registry. Trailing slashes are dropped.
 */
export function registryUrl(configured: string | undefined, env: NodeJS.ProcessEnv): string {
  const url = configured ?? env.npm_config_registry ?? DEFAULT_REGISTRY;
  return url.replace(/\/+$/, '');
}

/** Whether the gateway runs under systemd (which sets `INVOCATION_ID` for its services). */
export function runningAsService(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.INVOCATION_ID);
}

/** Starts `hermes gateway restart` detached, so it outlives this process. */
export async function spawnGatewayRestart(root: string = PACKAGE_ROOT): Promise<void> {
  const child = spawn(process.execPath, [join(root, 'bin', 'hermes.js'), 'gateway', 'restart'], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
}

async function isWritable(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The real dependencies, with `overrides` applied (a test registry, a recorded process seam...). */
export function updateDeps(
  env: NodeJS.ProcessEnv,
  configuredRegistry: string | undefined,
  overrides: Partial<UpdateDeps> = {},
): UpdateDeps {
  const root = overrides.root ?? PACKAGE_ROOT;
  return {
    root,
    run: runProcess,
    registry: registryUrl(configuredRegistry, env),
    fetch: globalThis.fetch,
    service: runningAsService(env),
    restart: () => spawnGatewayRestart(root),
    writable: isWritable,
    ...overrides,
  };
}
