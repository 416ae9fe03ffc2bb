/**
 * Environment variables that override `config.yaml` (the environment wins over the file).
 * An empty variable counts as unset.
 */
import type { ConfigIssue } from '../errors.ts';

/** One environment variable and the config key it sets. */
export interface EnvOverride {
  /** Variable name, e.g. `API_SERVER_PORT`. */
  readonly variable: string;
  /** Key path it sets, e.g. `['api_server', 'port']`. */
  readonly path: readonly [string, string];
  /** How the text of the variable is read. */
  readonly kind: 'string' | 'number' | 'boolean';
}

/** Every supported override. */
export const ENV_OVERRIDES: readonly EnvOverride[] = [
  { variable: 'HERMES_AGENT_BACKEND', path: ['agent', 'backend'], kind: 'string' },
  { variable: 'HERMES_MODEL', path: ['agent', 'model'], kind: 'string' },
  { variable: 'OPENAI_BASE_URL', path: ['agent', 'base_url'], kind: 'string' },
  { variable: 'OPENAI_API_KEY', path: ['agent', 'api_key'], kind: 'string' },
  { variable: 'HERMES_AGENT_COMMAND', path: ['agent', 'command'], kind: 'string' },
  { variable: 'API_SERVER_ENABLED', path: ['api_server', 'enabled'], kind: 'boolean' },
  { variable: 'API_SERVER_HOST', path: ['api_server', 'host'], kind: 'string' },
  { variable: 'API_SERVER_PORT', path: ['api_server', 'port'], kind: 'number' },
  { variable: 'API_SERVER_KEY', path: ['api_server', 'key'], kind: 'string' },
  { variable: 'HERMES_LOG_LEVEL', path: ['logging', 'level'], kind: 'string' },
  { variable: 'HERMES_GATEWAY_BUSY_INPUT_MODE', path: ['display', 'busy_input_mode'], kind: 'string' },
  {
    variable: 'HERMES_BACKGROUND_NOTIFICATIONS',
    path: ['display', 'background_process_notifications'],
    kind: 'string',
  },
];

/** The result of applying the environment to the values read from the file. */
export interface EnvOverrideResult {
  /** The file's values with the environment's on top (the input is not modified). */
  merged: Record<string, unknown>;
  /** Dotted key path → the variable that set it. */
  sources: ReadonlyMap<string, string>;
  /** Variables whose text could not be read (e.g. `API_SERVER_ENABLED=maybe`). */
  issues: ConfigIssue[];
}

/** How a key set from the environment is named in messages: `API_SERVER_PORT (api_server.port)`. */
export function envLabel(variable: string, dottedPath: string): string {
  return `${variable} (${dottedPath})`;
}

const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = { true: true, '1': true, false: false, '0': false };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Lays the environment over `fileValues`. Numbers that do not look like numbers are
 * kept as text so validation reports them under the variable's name.
 */
export function applyEnvOverrides(
  fileValues: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): EnvOverrideResult {
  const merged = structuredClone(fileValues);
  const sources = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  for (const { variable, path, kind } of ENV_OVERRIDES) {
    const text = env[variable];
    if (text === undefined || text === '') continue;
    const [section, key] = path;
    const dotted = `${section}.${key}`;
    let value: unknown = text;
    if (kind === 'boolean') {
      value = BOOLEAN_WORDS[text.trim().toLowerCase()];
      if (value === undefined) {
        issues.push({
          path: envLabel(variable, dotted),
          message: `expected true, false, 1 or 0 but got "${text}"`,
          fix: `set ${variable}=true to turn it on or ${variable}=false to turn it off`,
        });
        continue;
      }
    } else if (kind === 'number' && /^\s*-?\d+(\.\d+)?\s*$/.test(text)) {
      value = Number(text);
    }
    const current = merged[section];
    if (current === undefined || current === null) merged[section] = {};
    const target = merged[section];
    // A section that is not a mapping is reported by validation; the variable cannot go inside it.
    if (!isPlainObject(target)) continue;
    target[key] = value;
    sources.set(dotted, variable);
  }
  return { merged, sources, issues };
}
