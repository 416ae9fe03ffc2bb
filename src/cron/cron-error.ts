/**
 * Errors of cron jobs: a schedule, delivery target or job id the user gave
 * that cannot be used. The message says what is accepted, with examples.
 */
import { GatewayError } from '../errors.ts';

/**
 * A cron request that cannot be carried out (bad schedule, bad delivery target,
 * unknown job). Code `GATEWAY_ERR_BAD_REQUEST`.
 *
 * @example
 * throw new CronError('No cron job with id cron_ab12cd34', { id: 'cron_ab12cd34' });
 */
export class CronError extends GatewayError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('GATEWAY_ERR_BAD_REQUEST', message, details, options);
    this.name = 'CronError';
  }
}
