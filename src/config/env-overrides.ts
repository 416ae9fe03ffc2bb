/**
 * Environment variables that override `config.yaml` (the environment wins over the file).
 * An empty variable counts as unset.
 */
import type { ConfigIssue } from '../errors.ts';

/** One environment variable and the config key it sets. */
export interface EnvOverride {
  /** Variable name, e.g. `API_SERVER_PORT`. */
  readonly variable: string;
  /** Key path it sets, e.g. `['api_server', 'port']` or `['gateway', 'http', 'port']`. */
  readonly path: readonly [string, string] | readonly [string, string, string];
  /** How the text of the variable is read. */
  readonly kind: 'string' | 'number' | 'boolean';
  /**
   * An older, platform-specific name of the key: it applies only when `when` holds, a
   * variable listed earlier for the same key wins over it, and two of them with
   * different values are refused.
   */
  readonly alias?: { when: (env: NodeJS.ProcessEnv) => boolean; why: string };
}

/** Whether Telegram runs in webhook mode (its port and host variables then set the ingress's). */
const telegramWebhook = (env: NodeJS.ProcessEnv) => Boolean(env.TELEGRAM_WEBHOOK_URL?.trim());

/** Whether Slack uses the Events API (no app token, a signing secret). */
const slackEventsApi = (env: NodeJS.ProcessEnv) =>
  !env.SLACK_APP_TOKEN?.trim() && Boolean(env.SLACK_SIGNING_SECRET?.trim());

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
  { variable: 'HERMES_HTTP_HOST', path: ['gateway', 'http', 'host'], kind: 'string' },
  { variable: 'HERMES_OPERATOR_ENABLED', path: ['operator', 'enabled'], kind: 'boolean' },
  { variable: 'HERMES_OPERATOR_HOST', path: ['operator', 'host'], kind: 'string' },
  { variable: 'HERMES_OPERATOR_PORT', path: ['operator', 'port'], kind: 'number' },
  { variable: 'HERMES_OPERATOR_TOKEN', path: ['operator', 'token'], kind: 'string' },
  { variable: 'HERMES_HTTP_PORT', path: ['gateway', 'http', 'port'], kind: 'number' },
  {
    variable: 'TELEGRAM_WEBHOOK_HOST',
    path: ['gateway', 'http', 'host'],
    kind: 'string',
    alias: { when: telegramWebhook, why: "Telegram's webhook" },
  },
  {
    variable: 'TELEGRAM_WEBHOOK_PORT',
    path: ['gateway', 'http', 'port'],
    kind: 'number',
    alias: { when: telegramWebhook, why: "Telegram's webhook" },
  },
  {
    variable: 'SLACK_EVENTS_HOST',
    path: ['gateway', 'http', 'host'],
    kind: 'string',
    alias: { when: slackEventsApi, why: "Slack's Events API" },
  },
  {
    variable: 'SLACK_EVENTS_PORT',
    path: ['gateway', 'http', 'port'],
    kind: 'number',
    alias: { when: slackEventsApi, why: "Slack's Events API" },
  },
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
  const values = new Map<string, unknown>();
  const issues: ConfigIssue[] = [];
  for (const { variable, path, kind, alias } of ENV_OVERRIDES) {
    const text = env[variable];
    if (text === undefined || text === '') continue;
    if (alias && !alias.when(env)) continue;
    const dotted = path.join('.');
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
    const earlier = sources.get(dotted);
    if (alias && earlier !== undefined) {
      const earlierAlias = ENV_OVERRIDES.find((o) => o.variable === earlier)?.alias;
      // the ingress's own variable wins over a platform's older name for it
      if (!earlierAlias || values.get(dotted) === value) continue;
      issues.push({
        path: envLabel(variable, dotted),
        message: `${variable}=${text} and ${earlier}=${env[earlier]} both set ${dotted}: the webhook platforms now share one HTTP ingress with one port and interface`,
        fix: `set ${dotted} in config.yaml (or HERMES_HTTP_${path[2]?.toUpperCase()}) once and unset ${earlier} and ${variable}`,
      });
      continue;
    }
    const target = sectionFor(merged, path.slice(0, -1));
    // A section that is not a mapping is reported by validation; the variable cannot go inside it.
    if (target === undefined) continue;
    target[path[path.length - 1] as string] = value;
    sources.set(dotted, variable);
    values.set(dotted, value);
  }
  return { merged, sources, issues };
}

/** The mapping at `sections` inside `root`, created when missing; undefined when a value is in the way. */
function sectionFor(
  root: Record<string, unknown>,
  sections: readonly string[],
): Record<string, unknown> | undefined {
  let target: Record<string, unknown> = root;
  for (const name of sections) {
    const current = target[name];
    if (current === undefined || current === null) target[name] = {};
    const next = target[name];
    if (!isPlainObject(next)) return undefined;
    target = next;
  }
  return target;
}

/**
 * Platform variables that now set the HTTP ingress (`gateway.http`) in this environment,
 * as `hermes gateway --check` explains them; `overriddenBy` names the ingress's own
 * variable when that one is set too (and wins).
 *
 * @example
 * legacyIngressVariables({ TELEGRAM_WEBHOOK_URL: 'https://x/tg', TELEGRAM_WEBHOOK_PORT: '8443' })
 * // [{ variable: 'TELEGRAM_WEBHOOK_PORT', key: 'gateway.http.port', why: "Telegram's webhook" }]
 */
export function legacyIngressVariables(
  env: NodeJS.ProcessEnv,
): { variable: string; key: string; why: string; overriddenBy?: string }[] {
  const set = (o: EnvOverride) => Boolean(env[o.variable]) && (!o.alias || o.alias.when(env));
  return ENV_OVERRIDES.filter((o) => o.alias && set(o)).map((o) => {
    const key = o.path.join('.');
    const own = ENV_OVERRIDES.find((other) => !other.alias && other.path.join('.') === key && set(other));
    return {
      variable: o.variable,
      key,
      why: o.alias?.why ?? '',
      ...(own ? { overriddenBy: own.variable } : {}),
    };
  });
}
