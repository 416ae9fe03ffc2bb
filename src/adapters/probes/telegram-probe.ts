/** Telegram: `getMe` against the configured Bot API root. */
import type { TelegramOptions } from '../telegram/telegram-options.ts';
import { telegramApiRoot } from './api-bases.ts';
import { field, isAnswer, probeFetch, unexpectedAnswer } from './probe-fetch.ts';
import { type ProbeContext, type ProbeResult, refused } from './probe-result.ts';

/** Asks Telegram which bot `options.token` belongs to. */
export async function probeTelegram(options: TelegramOptions, ctx: ProbeContext): Promise<ProbeResult> {
  const variable = 'TELEGRAM_BOT_TOKEN';
  const url = `${telegramApiRoot(options.apiRoot)}/bot${options.token.trim()}/getMe`;
  const answer = await probeFetch(variable, url, {}, ctx.timeoutMs);
  if (!isAnswer(answer)) return answer;
  const result = field(answer.body, 'result');
  if (answer.status === 200 && field(answer.body, 'ok') === true) {
    return { status: 'ok', account: `@${String(field(result, 'username'))}` };
  }
  if (answer.status === 401 || answer.status === 404) {
    const description = field(answer.body, 'description');
    return refused(
      variable,
      `Telegram refused the token (${answer.status}${description ? ` ${String(description)}` : ''})`,
      'copy the token again from @BotFather (/mybots → API Token), or /revoke and use the new one',
    );
  }
  return unexpectedAnswer(variable, 'Telegram getMe', answer);
}
