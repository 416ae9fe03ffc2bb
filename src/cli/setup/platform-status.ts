/**
 * What `hermes gateway setup` knows of each platform in this Hermes home: the
 * environment as the gateway will see it (`$HERMES_HOME/.env` under the process
 * environment) and `gateway.platforms.<name>` of config.yaml, read by the
 * platform's own settings schema.
 */

import type { PlatformDefinition } from '../../adapters/platform-definition.ts';
import { PLATFORMS } from '../../adapters/platforms.ts';
import { readEnvFile } from '../../config/env-file.ts';
import { configPath } from '../../config/load-config.ts';
import { readConfigFile } from '../../config/read-config-file.ts';

/** A platform as setup shows it. */
export interface PlatformStatus {
  // biome-ignore lint/suspicious/noExplicitAny: each definition reads its own options type
  platform: PlatformDefinition<any>;
  state: 'configured' | 'not configured' | 'invalid' | 'turned off';
  /** The problems of an invalid platform, each `VARIABLE: what is wrong`. */
  problems: string[];
}

/** The environment the gateway will run with: `.env` of the home, the process environment on top. */
export function effectiveEnv(home: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...readEnvFile(home), ...env };
}

/** `gateway.platforms.<name>` of config.yaml (empty when the file or the key is missing). */
export function platformSection(home: string, name: string): Record<string, unknown> {
  const gateway = readConfigFile(configPath(home)).values.gateway as Record<string, unknown> | undefined;
  const platforms = gateway?.platforms as Record<string, unknown> | undefined | null;
  const section = platforms?.[name];
  return section && typeof section === 'object' ? (section as Record<string, unknown>) : {};
}

/** The state of every platform, in the order of `PLATFORMS`. */
export function platformStatuses(home: string, env: NodeJS.ProcessEnv): PlatformStatus[] {
  const merged = effectiveEnv(home, env);
  return PLATFORMS.map((platform) => {
    const section = platformSection(home, platform.name);
    const extra = (section.extra ?? {}) as Record<string, unknown>;
    const result = platform.read({ env: merged, extra, home });
    if (!result.configured) return { platform, state: 'not configured', problems: [] };
    if ('issues' in result) {
      return { platform, state: 'invalid', problems: result.issues.map((i) => `${i.path}: ${i.message}`) };
    }
    return { platform, state: section.enabled === false ? 'turned off' : 'configured', problems: [] };
  });
}
