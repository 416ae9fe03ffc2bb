/** Slack: `auth.test` with the bot token. */
import type { SlackOptions } from '../slack/slack-options.ts';
import { slackApiBase } from './api-bases.ts';
import { field, isAnswer, probeFetch, unexpectedAnswer } from './probe-fetch.ts';
import { type ProbeContext, type ProbeResult, refused } from './probe-result.ts';

/** The `error` values of `auth.test` that mean the token itself is wrong. */
const TOKEN_ERRORS = ['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired'];

/** Asks Slack which bot and workspace `options.botToken` belongs to. */
export async function probeSlack(options: SlackOptions, ctx: ProbeContext): Promise<ProbeResult> {
  const variable = 'SLACK_BOT_TOKEN';
  const url = new URL('auth.test', slackApiBase(ctx.env, options.slackApiUrl)).href;
  const answer = await probeFetch(
    variable,
    url,
    { method: 'POST', headers: { authorization: `Bearer ${options.botToken.trim()}` } },
    ctx.timeoutMs,
  );
  if (!isAnswer(answer)) return answer;
  if (field(answer.body, 'ok') === true) {
    return {
      status: 'ok',
      account: `${String(field(answer.body, 'user'))} in ${String(field(answer.body, 'team'))}`,
    };
  }
  const error = String(field(answer.body, 'error'));
  if (TOKEN_ERRORS.includes(error)) {
    return refused(
      variable,
      `Slack refused the token (${error})`,
      'copy the Bot User OAuth Token (xoxb-…) again from OAuth & Permissions, and reinstall the app if it was revoked',
    );
  }
  return unexpectedAnswer(variable, 'Slack auth.test', answer);
}
