/**
 * What a closed WhatsApp connection means: reconnect at once (WhatsApp asked
 * for a restart, as it does right after linking), reconnect after a backoff
 * (the network dropped), or stop until the user links the device again (logged
 * out from the phone, session replaced or broken).
 */
import { DisconnectReason } from 'baileys';

/** What to do after a close. */
export type CloseAction = 'restart' | 'reconnect' | 'relink' | 'fatal';

/** A close, classified. */
export interface CloseVerdict {
  action: CloseAction;
  /** baileys' status code of the close (a `DisconnectReason`), when it gave one. */
  statusCode: number | undefined;
  /** Reason code for the breaker and the logs. */
  reason: string;
  /** What happened, for people. */
  description: string;
}

/** The HTTP-like status code of a baileys (Boom) error, when it has one. */
export function statusCodeOf(error: unknown): number | undefined {
  const output = (error as { output?: { statusCode?: unknown } } | undefined)?.output;
  return typeof output?.statusCode === 'number' ? output.statusCode : undefined;
}

const RELINK: ReadonlyMap<number, string> = new Map([
  [DisconnectReason.loggedOut, 'the device was logged out from the phone'],
  [DisconnectReason.badSession, 'the stored session is broken'],
  [DisconnectReason.multideviceMismatch, 'the account does not match the linked device'],
  [DisconnectReason.connectionReplaced, 'another client opened a connection with the same session'],
]);

const RECONNECT: ReadonlyMap<number, [string, string]> = new Map([
  [DisconnectReason.connectionLost, ['connection_lost', 'the connection was lost or timed out']],
  [DisconnectReason.connectionClosed, ['connection_closed', 'the connection was closed']],
  [DisconnectReason.unavailableService, ['service_unavailable', 'WhatsApp is unavailable']],
]);

/**
 * Classifies the `lastDisconnect.error` of a `connection: 'close'` update.
 *
 * @example
 * classifyClose(new Boom('Logged out', { statusCode: 401 })).action // 'relink'
 */
export function classifyClose(error: unknown): CloseVerdict {
  const statusCode = statusCodeOf(error);
  if (statusCode === DisconnectReason.restartRequired) {
    return {
      action: 'restart',
      statusCode,
      reason: 'restart_required',
      description: 'WhatsApp asked for a restart',
    };
  }
  if (statusCode !== undefined) {
    const relink = RELINK.get(statusCode);
    if (relink) return { action: 'relink', statusCode, reason: 'needs_relink', description: relink };
    if (statusCode === DisconnectReason.forbidden) {
      return {
        action: 'fatal',
        statusCode,
        reason: 'forbidden',
        description: 'WhatsApp refused this account',
      };
    }
    const [reason, description] = RECONNECT.get(statusCode) ?? [
      `status_${statusCode}`,
      `the connection closed with status ${statusCode}`,
    ];
    return { action: 'reconnect', statusCode, reason, description };
  }
  const detail = error instanceof Error ? `: ${error.message}` : '';
  return {
    action: 'reconnect',
    statusCode,
    reason: 'connection_lost',
    description: `the connection dropped${detail}`,
  };
}
