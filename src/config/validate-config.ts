/**
 * Validation of configuration values against the schema, reporting every problem
 * at once as a `ConfigError` with key paths and fixes.
 */
import { ConfigError, type ConfigIssue } from '../errors.ts';
import { explainIssues } from './explain-issues.ts';
import { type GatewayConfig, GatewayConfigSchema } from './schema.ts';
import type { KeyPath } from './schema-walk.ts';

/** Where the values came from, to name them well in problems. */
export interface ValidateOptions {
  /** Dotted key path → environment variable that set it. */
  sources?: ReadonlyMap<string, string>;
  /** Line of a key in `config.yaml`, for values from the file. */
  lineOf?: (path: KeyPath) => number | undefined;
  /** Problems already found before validation (e.g. unreadable environment values); reported first. */
  earlierIssues?: readonly ConfigIssue[];
}

/**
 * Validates `input` (a parsed config.yaml, or an object given by an embedding app)
 * and fills in the defaults.
 *
 * @throws ConfigError listing every problem.
 */
export function validateConfig(input: unknown, options: ValidateOptions = {}): GatewayConfig {
  const result = GatewayConfigSchema.safeParse(input);
  const issues = [...(options.earlierIssues ?? [])];
  if (!result.success) {
    issues.push(
      ...explainIssues(result.error.issues, {
        input,
        sources: options.sources ?? new Map(),
        ...(options.lineOf ? { lineOf: options.lineOf } : {}),
      }),
    );
  }
  if (issues.length > 0 || !result.success) throw new ConfigError(issues);
  return result.data;
}
