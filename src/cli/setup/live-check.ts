/**
 * The live check of `hermes gateway setup`: before anything is saved, the
 * credentials are tried with the shared probes (`src/adapters/probes`, 15 s)
 * against the configured API base. Anything but an acceptance refuses the
 * save with the variable and the fix; an unreachable platform also offers
 * saving without the check. WhatsApp is linked after saving, so it has none.
 */
import type { PlatformDefinition } from '../../adapters/platform-definition.ts';
import { probeCredentials } from '../../adapters/probes/index.ts';
import type { ConfigIssue } from '../../errors.ts';
import { platformSection } from './platform-status.ts';

/** The account the credentials belong to, or why they were refused. */
export type LiveCheckResult = { ok: true; account: string } | { ok: false; issue: ConfigIssue };

/** How long setup waits for the platform. */
const TIMEOUT_MS = 15_000;

/**
 * Tries the credentials of `platform` in `env` (the environment the gateway
 * will see once saved) against its API.
 *
 * @example
 * await liveCheck(telegramPlatform, { TELEGRAM_BOT_TOKEN: '123:AA…' }, home) // { ok: true, account: '@mybot' }
 */
export async function liveCheck(
  platform: PlatformDefinition<unknown>,
  env: NodeJS.ProcessEnv,
  home: string,
): Promise<LiveCheckResult> {
  if (platform.name === 'whatsapp') return { ok: true, account: '' };
  const extra = (platformSection(home, platform.name).extra ?? {}) as Record<string, unknown>;
  const read = platform.read({ env, extra, home });
  if (!read.configured) return { ok: true, account: '' };
  if ('issues' in read) {
    const [issue] = read.issues;
    return issue ? { ok: false, issue } : { ok: true, account: '' };
  }
  const result = await probeCredentials(platform.name, read.options, {
    timeoutMs: TIMEOUT_MS,
    env,
    home,
    loginWithPassword: true,
  });
  if (!result) return { ok: true, account: '' };
  if (result.status === 'ok') return { ok: true, account: result.account };
  if (result.status === 'refused') return { ok: false, issue: result.issue };
  return {
    ok: false,
    issue: { ...result.issue, fix: `${result.issue.fix}, or save without the check (--no-check)` },
  };
}
