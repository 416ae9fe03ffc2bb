/**
 * Live credential probes over HTTP: Telegram `getMe`, Slack `auth.test`,
 * Discord `GET /users/@me` and Matrix `whoami`. A rejected credential is ❌;
 * an unreachable platform is ⚠️.
 */
import type { DiscordOptions } from '../adapters/discord/discord-adapter.ts';
import type { MatrixOptions } from '../adapters/matrix/matrix-options.ts';
import { SLACK_DEFAULTS, type SlackOptions } from '../adapters/slack/slack-options.ts';
import { TELEGRAM_DEFAULTS, type TelegramOptions } from '../adapters/telegram/telegram-options.ts';
import { type CheckResult, fail, ok, warn } from './check-result.ts';
import { field, isAnswer, type ProbeAnswer, probeFetch } from './probe-fetch.ts';

/** A ⚠️ for an answer that is neither a success nor a clear rejection. */
function unexpected(name: string, what: string, answer: ProbeAnswer): CheckResult {
  const detail =
    field(answer.body, 'description') ?? field(answer.body, 'error') ?? field(answer.body, 'message');
  return warn(
    name,
    `${what} answered HTTP ${answer.status}${detail ? ` (${String(detail)})` : ''}`,
    'run "hermes doctor" again later; if it persists, check the platform status page',
  );
}

/** Telegram: `getMe` against the configured Bot API root. */
export async function probeTelegram(options: TelegramOptions): Promise<CheckResult> {
  const name = 'telegram credentials';
  const root = (options.apiRoot ?? TELEGRAM_DEFAULTS.apiRoot).replace(/\/+$/, '');
  const answer = await probeFetch(name, `${root}/bot${options.token}/getMe`);
  if (!isAnswer(answer)) return answer;
  const result = field(answer.body, 'result');
  if (answer.status === 200 && field(answer.body, 'ok') === true) {
    return ok(name, `getMe: the token belongs to @${String(field(result, 'username'))}`);
  }
  if (answer.status === 401 || answer.status === 404) {
    return fail(
      name,
      `getMe: Telegram refused TELEGRAM_BOT_TOKEN (HTTP ${answer.status} ${String(field(answer.body, 'description') ?? '')})`.trim(),
      'copy the token again from @BotFather (/mybots → API Token) into TELEGRAM_BOT_TOKEN',
    );
  }
  return unexpected(name, 'getMe', answer);
}

/** Slack: `auth.test` with the bot token. */
export async function probeSlack(options: SlackOptions): Promise<CheckResult> {
  const name = 'slack credentials';
  const base = options.slackApiUrl ?? SLACK_DEFAULTS.slackApiUrl;
  const answer = await probeFetch(name, new URL('auth.test', base.endsWith('/') ? base : `${base}/`).href, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.botToken}` },
  });
  if (!isAnswer(answer)) return answer;
  if (field(answer.body, 'ok') === true) {
    return ok(
      name,
      `auth.test: bot ${String(field(answer.body, 'user'))} in workspace ${String(field(answer.body, 'team'))}`,
    );
  }
  const error = field(answer.body, 'error');
  if (
    ['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired'].includes(
      String(error),
    )
  ) {
    return fail(
      name,
      `auth.test: Slack refused SLACK_BOT_TOKEN (${String(error)})`,
      'copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions into SLACK_BOT_TOKEN; reinstall the app if it was revoked',
    );
  }
  return unexpected(name, 'auth.test', answer);
}

/** Discord: `GET /users/@me` with the bot token. */
export async function probeDiscord(
  options: DiscordOptions,
  apiRoot = 'https://discord.com/api/v10',
): Promise<CheckResult> {
  const name = 'discord credentials';
  const answer = await probeFetch(name, `${apiRoot}/users/@me`, {
    headers: { authorization: `Bot ${options.token}` },
  });
  if (!isAnswer(answer)) return answer;
  if (answer.status === 200)
    return ok(name, `users/@me: the token belongs to ${String(field(answer.body, 'username'))}`);
  if (answer.status === 401) {
    return fail(
      name,
      'users/@me: Discord refused DISCORD_BOT_TOKEN (401 Unauthorized)',
      'reset the token in the Developer Portal (your application → Bot → Reset Token) and set DISCORD_BOT_TOKEN',
    );
  }
  return unexpected(name, 'users/@me', answer);
}

/** Matrix: `whoami` with the access token, or, for password login, whether the homeserver answers. */
export async function probeMatrix(options: MatrixOptions): Promise<CheckResult> {
  const name = 'matrix credentials';
  const hs = options.homeserverUrl.replace(/\/+$/, '');
  if (!options.accessToken) {
    const answer = await probeFetch(name, `${hs}/_matrix/client/versions`);
    if (!isAnswer(answer)) return answer;
    if (answer.status === 200) {
      return ok(name, `${hs} answers; the password login is not tried here (it would create a device)`);
    }
    return unexpected(name, `${hs}/_matrix/client/versions`, answer);
  }
  const answer = await probeFetch(name, `${hs}/_matrix/client/v3/account/whoami`, {
    headers: { authorization: `Bearer ${options.accessToken}` },
  });
  if (!isAnswer(answer)) return answer;
  if (answer.status === 200) return ok(name, `whoami: ${String(field(answer.body, 'user_id'))}`);
  if (answer.status === 401 || answer.status === 403) {
    return fail(
      name,
      `whoami: the homeserver refused MATRIX_ACCESS_TOKEN (${String(field(answer.body, 'errcode') ?? answer.status)})`,
      'create a new access token (Element: Settings → Help & About → Access Token) or set MATRIX_USER_ID and MATRIX_PASSWORD instead',
    );
  }
  return unexpected(name, 'whoami', answer);
}
