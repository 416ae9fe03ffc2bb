/**
 * Live checks of `hermes gateway setup`: before anything is saved, the
 * credentials are tried against the platform's API at the configured base
 * (so a self-hosted or loopback server is checked, not the public one):
 * Telegram `getMe`, Slack `auth.test`, Discord `GET /users/@me`, Matrix
 * `whoami`, Email an IMAP login. Secrets never appear in the result.
 */
import type { ConfigIssue } from '../../errors.ts';

/** The account the credentials belong to, or why they were refused. */
export type LiveCheckResult = { ok: true; account: string } | { ok: false; issue: ConfigIssue };

/** Default API bases; `HERMES_SETUP_SLACK_API_URL` and `HERMES_SETUP_DISCORD_API_URL` replace them for the check. */
export const LIVE_CHECK_DEFAULTS = {
  telegram: 'https://api.telegram.org',
  slack: 'https://slack.com/api/',
  discord: 'https://discord.com/api/v10',
} as const;

const TIMEOUT_MS = 15_000;

type Json = Record<string, unknown>;

/** Fetches JSON; a network failure becomes an issue on `variable`. */
async function fetchJson(
  url: string,
  init: RequestInit,
  variable: string,
): Promise<{ status: number; body: Json } | { issue: ConfigIssue }> {
  const host = new URL(url).host;
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const body = (await response.json().catch(() => ({}))) as Json;
    return { status: response.status, body };
  } catch (error) {
    const reason =
      (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : String(error);
    return {
      issue: {
        path: variable,
        message: `could not reach ${host} to check it (${reason})`,
        fix: 'check the network and the API address, or save without the check (--no-check)',
      },
    };
  }
}

const refused = (path: string, message: string, fix: string): LiveCheckResult => ({
  ok: false,
  issue: { path, message, fix },
});

async function checkTelegram(env: NodeJS.ProcessEnv): Promise<LiveCheckResult> {
  const root = (env.TELEGRAM_API_ROOT?.trim() || LIVE_CHECK_DEFAULTS.telegram).replace(/\/+$/, '');
  const got = await fetchJson(`${root}/bot${env.TELEGRAM_BOT_TOKEN?.trim()}/getMe`, {}, 'TELEGRAM_BOT_TOKEN');
  if ('issue' in got) return { ok: false, issue: got.issue };
  const result = got.body.result as Json | undefined;
  if (got.body.ok === true && result) return { ok: true, account: `@${String(result.username)}` };
  return refused(
    'TELEGRAM_BOT_TOKEN',
    `Telegram refused the token (${got.status} ${String(got.body.description ?? 'error')})`,
    'copy the token again from @BotFather (/mybots → API Token), or /revoke and use the new one',
  );
}

async function checkSlack(env: NodeJS.ProcessEnv): Promise<LiveCheckResult> {
  const base = env.HERMES_SETUP_SLACK_API_URL?.trim() || LIVE_CHECK_DEFAULTS.slack;
  const got = await fetchJson(
    new URL('auth.test', base.endsWith('/') ? base : `${base}/`).href,
    { method: 'POST', headers: { authorization: `Bearer ${env.SLACK_BOT_TOKEN?.trim()}` } },
    'SLACK_BOT_TOKEN',
  );
  if ('issue' in got) return { ok: false, issue: got.issue };
  if (got.body.ok === true)
    return { ok: true, account: `${String(got.body.user)} in ${String(got.body.team)}` };
  return refused(
    'SLACK_BOT_TOKEN',
    `Slack refused the token (${String(got.body.error ?? got.status)})`,
    'copy the Bot User OAuth Token (xoxb-…) again from OAuth & Permissions, and reinstall the app if it was revoked',
  );
}

async function checkDiscord(env: NodeJS.ProcessEnv): Promise<LiveCheckResult> {
  const base = (env.HERMES_SETUP_DISCORD_API_URL?.trim() || LIVE_CHECK_DEFAULTS.discord).replace(/\/+$/, '');
  const token = (env.DISCORD_BOT_TOKEN ?? '').trim().replace(/^Bot\s+/i, '');
  const got = await fetchJson(
    `${base}/users/@me`,
    { headers: { authorization: `Bot ${token}` } },
    'DISCORD_BOT_TOKEN',
  );
  if ('issue' in got) return { ok: false, issue: got.issue };
  if (got.status === 200 && got.body.id)
    return { ok: true, account: String(got.body.username ?? got.body.id) };
  return refused(
    'DISCORD_BOT_TOKEN',
    `Discord refused the token (${got.status} ${String(got.body.message ?? '')})`.trim(),
    'reset the token in the Developer Portal (Bot → Reset Token) and paste the new one',
  );
}

async function checkMatrix(env: NodeJS.ProcessEnv): Promise<LiveCheckResult> {
  const base = (env.MATRIX_HOMESERVER ?? '').trim().replace(/\/+$/, '');
  let token = env.MATRIX_ACCESS_TOKEN?.trim();
  if (!token) {
    const login = await fetchJson(
      `${base}/_matrix/client/v3/login`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'm.login.password',
          identifier: { type: 'm.id.user', user: env.MATRIX_USER_ID?.trim() },
          password: env.MATRIX_PASSWORD,
          device_id: 'HERMESGATEWAY',
        }),
      },
      'MATRIX_PASSWORD',
    );
    if ('issue' in login) return { ok: false, issue: login.issue };
    if (typeof login.body.access_token !== 'string') {
      return refused(
        'MATRIX_PASSWORD',
        `the homeserver refused the login (${login.status} ${String(login.body.errcode ?? '')})`.trim(),
        'check MATRIX_USER_ID and MATRIX_PASSWORD of the bot account',
      );
    }
    token = login.body.access_token;
  }
  const got = await fetchJson(
    `${base}/_matrix/client/v3/account/whoami`,
    { headers: { authorization: `Bearer ${token}` } },
    'MATRIX_ACCESS_TOKEN',
  );
  if ('issue' in got) return { ok: false, issue: got.issue };
  if (got.status === 200 && got.body.user_id) return { ok: true, account: String(got.body.user_id) };
  return refused(
    'MATRIX_ACCESS_TOKEN',
    `the homeserver refused the access token (${got.status} ${String(got.body.errcode ?? '')})`.trim(),
    'copy the access token again (Element: Settings → Help & About → Access token)',
  );
}

async function checkEmail(env: NodeJS.ProcessEnv, home: string): Promise<LiveCheckResult> {
  const { emailPlatform } = await import('../../adapters/email/index.ts');
  const read = emailPlatform.read({ env, extra: {}, home });
  if (!read.configured || 'issues' in read) {
    return refused('EMAIL_ADDRESS', 'the mailbox settings are incomplete', 'set the address and password');
  }
  const { imap, address, username, password } = read.options;
  const { ImapFlow } = await import('imapflow');
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.secure,
    doSTARTTLS: imap.secure ? undefined : imap.startTls !== false,
    auth: { user: username ?? address, pass: password },
    logger: false,
    connectionTimeout: TIMEOUT_MS,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.logout();
    return { ok: true, account: `${username ?? address} at ${imap.host}:${imap.port}` };
  } catch (error) {
    client.close();
    const failed = (error as { authenticationFailed?: boolean }).authenticationFailed === true;
    return failed
      ? refused(
          'EMAIL_PASSWORD',
          `${imap.host} refused the login of ${username ?? address}`,
          'use an app password (Gmail, Outlook, iCloud: the account security settings), and EMAIL_USERNAME when the login differs from the address',
        )
      : refused(
          'EMAIL_IMAP_HOST',
          `could not log in to ${imap.host}:${imap.port} (${(error as Error).message})`,
          'check EMAIL_IMAP_HOST, EMAIL_IMAP_PORT and EMAIL_IMAP_SECURE',
        );
  }
}

const CHECKS: Record<string, (env: NodeJS.ProcessEnv, home: string) => Promise<LiveCheckResult>> = {
  telegram: checkTelegram,
  slack: checkSlack,
  discord: checkDiscord,
  matrix: checkMatrix,
  email: checkEmail,
};

/** Whether `platform` has a live check. */
export function hasLiveCheck(platform: string): boolean {
  return platform in CHECKS;
}

/**
 * Tries the credentials of `platform` in `env` against its API.
 *
 * @example
 * await liveCheck('telegram', { TELEGRAM_BOT_TOKEN: '123:AA…' }, home) // { ok: true, account: '@mybot' }
 */
export async function liveCheck(
  platform: string,
  env: NodeJS.ProcessEnv,
  home: string,
): Promise<LiveCheckResult> {
  const check = CHECKS[platform];
  return check ? check(env, home) : { ok: true, account: '' };
}
