/**
 * WhatsApp's error classifier for socket calls: rate limits, WhatsApp server
 * errors and a closed or timed-out connection are retryable; anything else (a
 * bad jid, media WhatsApp refuses) fails that one call.
 */
import { DisconnectReason } from 'baileys';
import { AdapterError } from '../../errors.ts';
import { type Failure, failureError } from '../kit/index.ts';
import { statusCodeOf } from './disconnect.ts';
import { WHATSAPP_PLATFORM } from './socket.ts';

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Names the reason of an error thrown by a socket call.
 *
 * @example
 * classifyWhatsAppError(new Boom('rate-overlimit', { statusCode: 429 })).reason // 'rate_limited'
 */
export function classifyWhatsAppError(error: unknown): Failure {
  const message = error instanceof Error ? error.message : String(error);
  const status = statusCodeOf(error);
  if (status === 429) return { reason: 'rate_limited', message, code: 'http_429' };
  if (status !== undefined && status >= 500)
    return { reason: 'upstream_5xx', message, code: `http_${status}` };
  if (status === DisconnectReason.connectionClosed || status === DisconnectReason.timedOut) {
    return { reason: 'connection_lost', message, code: 'connection_closed' };
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return { reason: 'network', message, code };
  if (status !== undefined) return { reason: 'bad_request', message, code: `status_${status}` };
  return { reason: 'unknown', message, code: 'send_failed' };
}

/**
 * The `AdapterError` of a socket call's error, for code outside a primitive.
 *
 * @example
 * toAdapterError(new Boom('rate-overlimit', { statusCode: 429 }), 'send a message').retryable // true
 */
export function toAdapterError(error: unknown, action: string): AdapterError {
  if (error instanceof AdapterError) return error;
  return failureError(WHATSAPP_PLATFORM, classifyWhatsAppError(error), action, error);
}

/** The error of a call made while the connection is not open (retryable: it reconnects by itself). */
export function notConnectedError(action: string): AdapterError {
  return failureError(
    WHATSAPP_PLATFORM,
    { reason: 'not_connected', message: 'WhatsApp is not connected', code: 'connection_closed' },
    action,
  );
}
