/**
 * Loading the gateway configuration: `<home>/config.yaml` (optional), then the
 * environment on top, then validation with every problem reported at once.
 */
import { join } from 'node:path';
import { applyEnvOverrides } from './env-overrides.ts';
import { readConfigFile } from './read-config-file.ts';
import type { GatewayConfig } from './schema.ts';
import { isSectionAt, type KeyPath, schemaAt } from './schema-walk.ts';
import { validateConfig } from './validate-config.ts';

/** File name of the configuration inside the Hermes home. */
export const CONFIG_FILE_NAME = 'config.yaml';

/** Absolute path of the configuration file of `home`. */
export function configPath(home: string): string {
  return join(home, CONFIG_FILE_NAME);
}

/** What `loadConfig` reads. */
export interface LoadConfigOptions {
  /** The Hermes home folder (holds config.yaml). */
  home: string;
  /** Environment to read overrides from; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A key written with no value (`api_key:` or a section whose keys are all commented
 * out) means "use the default": empty sections become `{}` and empty settings are
 * dropped. Empty values of unknown keys stay, so they are still reported.
 */
function dropEmptyValues(values: Record<string, unknown>, path: KeyPath = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const inner = [...path, key];
    if (value === null && schemaAt(inner) !== undefined) {
      if (isSectionAt(inner)) out[key] = {};
      continue;
    }
    out[key] = isPlainObject(value) ? dropEmptyValues(value, inner) : value;
  }
  return out;
}

/**
 * Reads `<home>/config.yaml` when present, applies the environment overrides
 * (the environment wins) and validates the result.
 *
 * @throws ConfigError listing every problem with its key path (or `config.yaml:<line>`
 *   for YAML syntax errors, `VARIABLE (key.path)` for environment values) and a fix.
 */
export function loadConfig(opts: LoadConfigOptions): GatewayConfig {
  const file = readConfigFile(configPath(opts.home));
  const { merged, sources, issues } = applyEnvOverrides(
    dropEmptyValues(file.values),
    opts.env ?? process.env,
  );
  return validateConfig(merged, { sources, lineOf: file.lineOf, earlierIssues: issues });
}
