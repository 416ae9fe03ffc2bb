/**
 * Telegram's error classifier: a 429 waits the `retry_after` Telegram names,
 * 5xx answers and network failures are Telegram's trouble, a token Telegram
 * does not know (401, or 404 from the Bot API) needs the operator, and a 403
 * concerns one chat (the user blocked the bot, the bot was removed).
 */
import { GrammyError, HttpError } from 'grammy';
import type { AdapterError } from '../../errors.ts';
import { errorMessage, type Failure, failureError } from '../kit/index.ts';

/** The platform name of Telegram messages and errors. */
export const TELEGRAM_PLATFORM = 'telegram';

/**
 * Names the reason of an error thrown by a grammY call.
 *
 * @example
 * classifyTelegramError(new GrammyError(...429...)); // { reason: 'rate_limited', retryAfterMs: 7000, ... }
 */
export function classifyTelegramError(error: unknown): Failure {
  if (error instanceof HttpError)
    return { reason: 'network', message: `network error: ${errorMessage(error.error)}` };
  if (!(error instanceof GrammyError)) return { reason: 'network', message: errorMessage(error) };
  const code = error.error_code;
  const message = `${code} ${error.description}`;
  if (code === 429) {
    const seconds = error.parameters?.retry_after;
    return {
      reason: 'rate_limited',
      message,
      ...(typeof seconds === 'number' ? { retryAfterMs: seconds * 1000 } : {}),
    };
  }
  // the Bot API answers 404 Not Found for a token it does not know
  if (code === 401 || code === 404)
    return { reason: 'unauthorized', message, hint: 'check TELEGRAM_BOT_TOKEN' };
  if (code === 403) return { reason: 'forbidden', message, code: forbiddenCode(error.description) };
  if (code === 409) return { reason: 'conflict', message, hint: 'another instance uses this bot token' };
  if (code >= 500) return { reason: 'upstream_5xx', message, code: `http_${code}` };
  return { reason: 'bad_request', message };
}

/**
 * The `AdapterError` of a grammY error (for the long poller, which reports outside a primitive).
 *
 * @example
 * try { await api.getUpdates() } catch (e) { if (!toAdapterError(e, 'getUpdates').retryable) stop() }
 */
export function toAdapterError(error: unknown, action: string): AdapterError {
  return failureError(TELEGRAM_PLATFORM, classifyTelegramError(error), action, error);
}

/** Why Telegram refused: the user blocked the bot, the bot was removed from the chat, ... */
function forbiddenCode(description: string): string {
  const text = description.toLowerCase();
  if (text.includes('blocked')) return 'bot_blocked';
  if (text.includes('kicked') || text.includes('not a member')) return 'bot_removed';
  if (text.includes('deactivated')) return 'user_deactivated';
  return 'forbidden';
}

/** Whether an edit failed only because the text was already the same. */
export function isNotModified(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code === 400 &&
    error.description.toLowerCase().includes('message is not modified')
  );
}

/** Whether a delete failed because the message is gone already. */
export function isMessageGone(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code === 400 &&
    /message to delete not found|message can't be deleted/i.test(error.description)
  );
}
