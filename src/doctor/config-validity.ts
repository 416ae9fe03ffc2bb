/**
 * The configuration as `hermes gateway` would load it (config.yaml plus the
 * environment), each problem reported with its key and fix.
 */
import { existsSync } from 'node:fs';
import { configPath, loadConfig } from '../config/load-config.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { ConfigError, GatewayError } from '../errors.ts';
import { type CheckResult, fail, ok } from './check-result.ts';

const NAME = 'Configuration';

/** The check results and the loaded configuration, when it is valid. */
export interface ConfigCheck {
  results: CheckResult[];
  config?: GatewayConfig;
}

/** Loads the configuration of `home`: one ✅, or one ❌ per problem (key, what is wrong, fix). */
export function checkConfig(home: string, env: NodeJS.ProcessEnv): ConfigCheck {
  const file = configPath(home);
  const where = existsSync(file) ? file : `defaults and environment (no ${file})`;
  try {
    const config = loadConfig({ home, env });
    return { results: [ok(NAME, `valid: ${where}`)], config };
  } catch (error) {
    if (error instanceof ConfigError) {
      return {
        results: error.issues.map((issue) => fail(`${NAME}: ${issue.path}`, issue.message, issue.fix)),
      };
    }
    if (error instanceof GatewayError) return { results: [fail(NAME, error.message)] };
    return { results: [fail(NAME, `cannot load ${where}: ${(error as Error).message}`)] };
  }
}
