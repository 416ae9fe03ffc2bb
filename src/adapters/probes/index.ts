/**
 * Live credential probes, shared by `hermes gateway setup` (before saving,
 * 15 s) and `hermes doctor` (5 s): Telegram `getMe`, Slack `auth.test`,
 * Discord `GET /users/@me`, Matrix `whoami`, Email an IMAP login, WhatsApp
 * the linked device. Each caller presents the {@link ProbeResult} its own way.
 */
import type { DiscordOptions } from '../discord/discord-adapter.ts';
import type { EmailOptions } from '../email/email-options.ts';
import type { MatrixOptions } from '../matrix/matrix-options.ts';
import type { SlackOptions } from '../slack/slack-options.ts';
import type { TelegramOptions } from '../telegram/telegram-options.ts';
import { probeDiscord } from './discord-probe.ts';
import { probeEmail } from './email-probe.ts';
import { probeMatrix } from './matrix-probe.ts';
import type { ProbeContext, ProbeResult } from './probe-result.ts';
import { probeSlack } from './slack-probe.ts';
import { probeTelegram } from './telegram-probe.ts';
import { probeWhatsApp } from './whatsapp-probe.ts';

export { PROBE_API_DEFAULTS } from './api-bases.ts';
export type { ProbeContext, ProbeResult } from './probe-result.ts';
export { UNREACHABLE_FIX } from './probe-result.ts';

const PROBES: Record<string, (options: never, ctx: ProbeContext) => Promise<ProbeResult>> = {
  telegram: (o: TelegramOptions, ctx) => probeTelegram(o, ctx),
  slack: (o: SlackOptions, ctx) => probeSlack(o, ctx),
  discord: (o: DiscordOptions, ctx) => probeDiscord(o, ctx),
  matrix: (o: MatrixOptions, ctx) => probeMatrix(o, ctx),
  email: (o: EmailOptions, ctx) => probeEmail(o, ctx),
  whatsapp: probeWhatsApp,
};

/** Whether `platform` has a live probe. */
export function hasProbe(platform: string): boolean {
  return platform in PROBES;
}

/**
 * Probes the credentials of `platform` with the options its definition read
 * (`platform.read(...)`); undefined when the platform has no probe.
 *
 * @example
 * await probeCredentials('telegram', { token: '123:AA…' }, { timeoutMs: 5000, env: process.env, home })
 * // { status: 'ok', account: '@mybot' }
 */
export async function probeCredentials(
  platform: string,
  options: unknown,
  ctx: ProbeContext,
): Promise<ProbeResult | undefined> {
  const probe = PROBES[platform];
  return probe ? probe(options as never, ctx) : undefined;
}
