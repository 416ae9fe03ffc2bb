/**
 * How failures of the Telegram Bot API become `AdapterError`s: a 429 is
 * retryable after the `retry_after` Telegram names, 5xx answers and network
 * failures are retryable, and 401/403 (bad token, bot blocked or kicked) are
 * fatal with a reason the operator can act on.
 */
import { GrammyError, HttpError } from 'grammy';
import { AdapterError } from '../../errors.ts';

/** The platform name of Telegram messages and errors. */
export const TELEGRAM_PLATFORM = 'telegram';

/**
 * Classifies an error thrown by a grammY API call.
 *
 * @param error what the call threw
 * @param action what the adapter was doing (`sendMessage`, `polling`), for the message
 * @example
 * try { await api.sendMessage(chatId, text) } catch (e) { throw toAdapterError(e, 'sendMessage') }
 */
export function toAdapterError(error: unknown, action: string): AdapterError {
  if (error instanceof AdapterError) return error;
  if (error instanceof GrammyError) return fromApiError(error, action);
  if (error instanceof HttpError) {
    return new AdapterError(TELEGRAM_PLATFORM, `${action}: network error: ${errorMessage(error.error)}`, {
      retryable: true,
      cause: error,
      reason: 'network',
    });
  }
  return new AdapterError(TELEGRAM_PLATFORM, `${action}: ${errorMessage(error)}`, {
    retryable: true,
    cause: error,
    reason: 'network',
  });
}

function fromApiError(error: GrammyError, action: string): AdapterError {
  const code = error.error_code;
  const what = `${action}: ${code} ${error.description}`;
  if (code === 429) {
    const seconds = error.parameters?.retry_after;
    return new AdapterError(TELEGRAM_PLATFORM, what, {
      retryable: true,
      ...(typeof seconds === 'number' ? { retryAfterMs: seconds * 1000 } : {}),
      cause: error,
      reason: 'rate_limited',
    });
  }
  if (code === 401 || code === 404) {
    // the Bot API answers 404 Not Found for a token it does not know
    return new AdapterError(TELEGRAM_PLATFORM, `${what} (check TELEGRAM_BOT_TOKEN)`, {
      retryable: false,
      cause: error,
      reason: 'unauthorized',
    });
  }
  if (code === 403) {
    return new AdapterError(TELEGRAM_PLATFORM, what, {
      retryable: false,
      cause: error,
      reason: forbiddenReason(error.description),
    });
  }
  if (code === 409) {
    return new AdapterError(TELEGRAM_PLATFORM, `${what} (another instance uses this bot token)`, {
      retryable: true,
      cause: error,
      reason: 'conflict',
    });
  }
  if (code >= 500) {
    return new AdapterError(TELEGRAM_PLATFORM, what, { retryable: true, cause: error, reason: 'upstream' });
  }
  return new AdapterError(TELEGRAM_PLATFORM, what, { retryable: false, cause: error, reason: 'bad_request' });
}

/** Why Telegram refused: the user blocked the bot, the bot was removed from the chat, ... */
function forbiddenReason(description: string): string {
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

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
