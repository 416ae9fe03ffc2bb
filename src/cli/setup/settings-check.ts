/**
 * Checks what setup is about to save with the platform's own settings schema,
 * exactly as `hermes gateway` will read it: the answers laid over the
 * environment the gateway will see, with config.yaml's `extra` keys.
 */
import type { PlatformDefinition } from '../../adapters/platform-definition.ts';
import type { ConfigIssue } from '../../errors.ts';
import { effectiveEnv, platformSection } from './platform-status.ts';

/** The environment the gateway would run with once `values` are saved. */
export function candidateEnv(
  home: string,
  env: NodeJS.ProcessEnv,
  values: Readonly<Record<string, string>>,
): NodeJS.ProcessEnv {
  return { ...effectiveEnv(home, env), ...values };
}

/**
 * The problems the gateway would report for this platform with `values` saved;
 * with `only`, just the problems of that variable.
 *
 * @example
 * settingsIssues(telegramPlatform, home, process.env, { TELEGRAM_BOT_TOKEN: 'nope' }, 'TELEGRAM_BOT_TOKEN')
 * // [{ path: 'TELEGRAM_BOT_TOKEN', message: 'does not look like a bot token …', fix: … }]
 */
export function settingsIssues(
  platform: PlatformDefinition<unknown>,
  home: string,
  env: NodeJS.ProcessEnv,
  values: Readonly<Record<string, string>>,
  only?: string,
): ConfigIssue[] {
  const extra = (platformSection(home, platform.name).extra ?? {}) as Record<string, unknown>;
  const result = platform.read({ env: candidateEnv(home, env, values), extra, home });
  if (!result.configured) {
    if (only !== undefined) return [];
    const needed = platform.variables.filter((v) => v.required).map((v) => v.name);
    return [
      {
        path: needed[0] ?? platform.name,
        message: `${platform.title} is not turned on by these values`,
        fix: `set ${needed.join(' and ') || 'its variables'}`,
      },
    ];
  }
  if (!('issues' in result)) return [];
  return only === undefined ? result.issues : result.issues.filter((issue) => issue.path === only);
}
