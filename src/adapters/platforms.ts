/**
 * Every platform the gateway can connect, in the order `hermes gateway setup`
 * shows them. Adding a platform: give it a folder with a `PlatformDefinition`
 * and list it here.
 */
import { type Transcriber, transcriberFromConfig } from '../agent/transcribe.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { ConfigError, type ConfigIssue } from '../errors.ts';
import type { Adapter } from './contract.ts';
import { discordPlatform } from './discord/index.ts';
import { emailPlatform } from './email/index.ts';
import { matrixPlatform } from './matrix/index.ts';
import type { PlatformDefinition, PlatformServices } from './platform-definition.ts';
import { slackPlatform } from './slack/index.ts';
import { telegramPlatform } from './telegram/index.ts';
import { whatsappPlatform } from './whatsapp/index.ts';

/** The platform definitions (options differ per platform). */
// biome-ignore lint/suspicious/noExplicitAny: each definition reads and takes its own options type
export const PLATFORMS: readonly PlatformDefinition<any>[] = [
  telegramPlatform,
  discordPlatform,
  slackPlatform,
  whatsappPlatform,
  matrixPlatform,
  emailPlatform,
];

/**
 * The adapters of every platform the environment and config.yaml configure
 * (a platform with `gateway.platforms.<name>.enabled: false` is left off).
 * Invalid values of any platform are refused together, each with the variable
 * and the fix. Webhook platforms mount their routes on `services.http`.
 *
 * @example
 * const adapters = platformAdapters(config, process.env, home, { http });
 */
export function platformAdapters(
  config: GatewayConfig,
  env: NodeJS.ProcessEnv,
  home: string,
  services: PlatformServices = {},
  transcribe: Transcriber | undefined = transcriberFromConfig(config.agent),
): Adapter[] {
  const issues: ConfigIssue[] = [];
  const adapters: Adapter[] = [];
  for (const platform of PLATFORMS) {
    const settings = config.gateway.platforms[platform.name];
    if (settings?.enabled === false) continue;
    const result = platform.read({
      env,
      extra: (settings?.extra ?? {}) as Record<string, unknown>,
      home,
      ...(transcribe ? { transcribe } : {}),
    });
    if (!result.configured) continue;
    if ('issues' in result) issues.push(...result.issues);
    else adapters.push(platform.create(result.options, services));
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return adapters;
}
