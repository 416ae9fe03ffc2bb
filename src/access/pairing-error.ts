/** The coded error of a refused pairing approval. */
import { GatewayError } from '../errors.ts';

/** Why an approval was refused. */
export type PairingRefusal = 'wrong_code' | 'expired' | 'locked';

/**
 * A pairing approval was refused (`GATEWAY_ERR_PAIRING`): the code matches no
 * pending request of the platform, it expired, or the platform's approvals are
 * locked after repeated failures. The message says what to do; it never holds the code.
 */
export class PairingError extends GatewayError {
  readonly reason: PairingRefusal;
  readonly platform: string;
  /** Epoch milliseconds until which approvals are refused, when they are locked. */
  readonly lockedUntil: number | undefined;

  constructor(
    reason: PairingRefusal,
    platform: string,
    message: string,
    details: { lockedUntil?: number; attemptsLeft?: number; userId?: string } = {},
  ) {
    super('GATEWAY_ERR_PAIRING', message, { reason, platform, ...details });
    this.name = 'PairingError';
    this.reason = reason;
    this.platform = platform;
    this.lockedUntil = details.lockedUntil;
  }
}
