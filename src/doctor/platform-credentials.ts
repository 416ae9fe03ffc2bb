/**
 * Every configured platform, read the way `hermes gateway` reads it
 * (`platform.read({ env, extra, home })`), then probed live with its
 * credentials. Settings problems are ❌ with the variable and the fix.
 */
import type { PlatformDefinition } from '../adapters/platform-definition.ts';
import { PLATFORMS } from '../adapters/platforms.ts';
import { type ProbeResult, probeCredentials } from '../adapters/probes/index.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { type CheckResult, fail, ok, warn } from './check-result.ts';

/** How long a doctor probe waits for the platform. */
const PROBE_TIMEOUT_MS = 5000;

/** A configured platform and its options (as its definition read them). */
export interface ConfiguredPlatform {
  name: string;
  options: unknown;
}

/** The platforms configured by `env` and `config`, and the results of those whose settings are wrong. */
export function readPlatforms(
  config: GatewayConfig,
  env: NodeJS.ProcessEnv,
  home: string,
  // biome-ignore lint/suspicious/noExplicitAny: each definition reads its own options type
  platforms: readonly PlatformDefinition<any>[] = PLATFORMS,
): { configured: ConfiguredPlatform[]; problems: CheckResult[] } {
  const configured: ConfiguredPlatform[] = [];
  const problems: CheckResult[] = [];
  for (const platform of platforms) {
    const settings = config.gateway.platforms[platform.name];
    if (settings?.enabled === false) continue;
    const result = platform.read({ env, extra: (settings?.extra ?? {}) as Record<string, unknown>, home });
    if (!result.configured) continue;
    if ('issues' in result) {
      for (const issue of result.issues) {
        problems.push(fail(`${platform.name} settings: ${issue.path}`, issue.message, issue.fix));
      }
    } else configured.push({ name: platform.name, options: result.options });
  }
  return { configured, problems };
}

/** A probe's result as a doctor line: ✅ accepted, ❌ refused, ⚠️ no verdict. */
export function describeProbe(name: string, result: ProbeResult | undefined): CheckResult {
  if (!result) return ok(name, 'configured (no live probe for this platform)');
  if (result.status === 'ok') return ok(name, result.note ?? `accepted: ${result.account}`);
  const { path, message, fix } = result.issue;
  if (result.status === 'refused') return fail(name, `${path}: ${message}`, fix);
  return warn(name, `${path}: ${message}`, `${fix}, then run "hermes doctor" again`);
}

/** Probes one configured platform. */
async function probe(
  platform: ConfiguredPlatform,
  home: string,
  env: NodeJS.ProcessEnv,
): Promise<CheckResult> {
  const name = platform.name === 'whatsapp' ? 'whatsapp link' : `${platform.name} credentials`;
  const result = await probeCredentials(platform.name, platform.options, {
    timeoutMs: PROBE_TIMEOUT_MS,
    env,
    home,
  });
  return describeProbe(name, result);
}

/** The settings problems and one live probe per configured platform, probed in parallel. */
export async function checkPlatformCredentials(
  platforms: { configured: readonly ConfiguredPlatform[]; problems: readonly CheckResult[] },
  home: string,
  env: NodeJS.ProcessEnv,
): Promise<CheckResult[]> {
  const { configured, problems } = platforms;
  if (configured.length === 0 && problems.length === 0) {
    return [ok('Platforms', 'none configured (only the API server, if enabled, takes messages)')];
  }
  const probes = await Promise.all(configured.map((p) => probe(p, home, env)));
  return [...problems, ...probes];
}
