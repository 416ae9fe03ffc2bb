/** Discord: `GET /users/@me` with the bot token. */
import type { DiscordOptions } from '../discord/discord-adapter.ts';
import { discordApiBase } from './api-bases.ts';
import { field, isAnswer, probeFetch, unexpectedAnswer } from './probe-fetch.ts';
import { type ProbeContext, type ProbeResult, refused } from './probe-result.ts';

/** Asks Discord which bot user `options.token` belongs to. */
export async function probeDiscord(options: DiscordOptions, ctx: ProbeContext): Promise<ProbeResult> {
  const variable = 'DISCORD_BOT_TOKEN';
  const token = options.token.trim().replace(/^Bot\s+/i, '');
  const answer = await probeFetch(
    variable,
    `${discordApiBase(ctx.env)}/users/@me`,
    { headers: { authorization: `Bot ${token}` } },
    ctx.timeoutMs,
  );
  if (!isAnswer(answer)) return answer;
  if (answer.status === 200 && field(answer.body, 'id')) {
    return { status: 'ok', account: String(field(answer.body, 'username') ?? field(answer.body, 'id')) };
  }
  if (answer.status === 401) {
    return refused(
      variable,
      `Discord refused the token (401 ${String(field(answer.body, 'message') ?? 'Unauthorized')})`,
      'reset the token in the Developer Portal (your application → Bot → Reset Token) and paste the new one',
    );
  }
  return unexpectedAnswer(variable, 'Discord users/@me', answer);
}
