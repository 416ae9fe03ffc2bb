/**
 * Turns a failed socket call into an `AdapterError` the outbox understands:
 * rate limits, WhatsApp server errors and a closed or timed-out connection are
 * retryable; anything else (a bad jid, media WhatsApp refuses) is fatal, with
 * the reason.
 */
import { DisconnectReason } from 'baileys';
import { AdapterError } from '../../errors.ts';
import { statusCodeOf } from './disconnect.ts';
import { WHATSAPP_PLATFORM } from './socket.ts';

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * The `AdapterError` for an error thrown by a socket call.
 *
 * @param action what was being done ("send a message"), for the message
 * @example
 * toAdapterError(new Boom('rate-overlimit', { statusCode: 429 }), 'send a message').retryable // true
 */
export function toAdapterError(error: unknown, action: string): AdapterError {
  if (error instanceof AdapterError) return error;
  const text = error instanceof Error ? error.message : String(error);
  const message = `cannot ${action}: ${text}`;
  const status = statusCodeOf(error);
  const retryable = (reason: string) =>
    new AdapterError(WHATSAPP_PLATFORM, message, { retryable: true, reason, cause: error });
  if (status === 429) return retryable('rate_limited');
  if (status !== undefined && status >= 500) return retryable('server_error');
  if (status === DisconnectReason.connectionClosed || status === DisconnectReason.timedOut) {
    return retryable('connection_closed');
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return retryable('network');
  return new AdapterError(WHATSAPP_PLATFORM, message, {
    retryable: false,
    reason: status !== undefined ? `status_${status}` : 'send_failed',
    cause: error,
  });
}

/** The error of a call made while the connection is not open (retryable: it reconnects by itself). */
export function notConnectedError(action: string): AdapterError {
  return new AdapterError(WHATSAPP_PLATFORM, `cannot ${action}: WhatsApp is not connected`, {
    retryable: true,
    reason: 'connection_closed',
  });
}
