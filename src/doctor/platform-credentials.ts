/**
 * Every configured platform, read the way `hermes gateway` reads it
 * (`platform.read({ env, extra, home })`), then probed live with its
 * credentials. Settings problems are ❌ with the variable and the fix.
 */
import type { DiscordOptions } from '../adapters/discord/discord-adapter.ts';
import type { EmailOptions } from '../adapters/email/email-options.ts';
import type { MatrixOptions } from '../adapters/matrix/matrix-options.ts';
import type { PlatformDefinition } from '../adapters/platform-definition.ts';
import { PLATFORMS } from '../adapters/platforms.ts';
import type { SlackOptions } from '../adapters/slack/slack-options.ts';
import type { TelegramOptions } from '../adapters/telegram/telegram-options.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { type CheckResult, fail, ok } from './check-result.ts';
import { probeEmail } from './email-probe.ts';
import { probeDiscord, probeMatrix, probeSlack, probeTelegram } from './http-probes.ts';
import { checkWhatsAppLink } from './whatsapp-link.ts';

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

/** Probes one configured platform. */
async function probe(platform: ConfiguredPlatform, home: string): Promise<CheckResult> {
  switch (platform.name) {
    case 'telegram':
      return probeTelegram(platform.options as TelegramOptions);
    case 'slack':
      return probeSlack(platform.options as SlackOptions);
    case 'discord':
      return probeDiscord(platform.options as DiscordOptions);
    case 'matrix':
      return probeMatrix(platform.options as MatrixOptions);
    case 'email':
      return probeEmail(platform.options as EmailOptions);
    case 'whatsapp':
      return checkWhatsAppLink(home);
    default:
      return ok(`${platform.name} credentials`, 'configured (no live probe for this platform)');
  }
}

/** The settings problems and one live probe per configured platform, probed in parallel. */
export async function checkPlatformCredentials(
  platforms: { configured: readonly ConfiguredPlatform[]; problems: readonly CheckResult[] },
  home: string,
): Promise<CheckResult[]> {
  const { configured, problems } = platforms;
  if (configured.length === 0 && problems.length === 0) {
    return [ok('Platforms', 'none configured (only the API server, if enabled, takes messages)')];
  }
  const probes = await Promise.all(configured.map((p) => probe(p, home)));
  return [...problems, ...probes];
}
