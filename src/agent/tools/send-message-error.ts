/**
 * The error of the `send_message` tool: a target it cannot send to (bad form,
 * unknown or unconnected platform, no home channel). The message tells the
 * model what is accepted, so it can call the tool again correctly.
 */
import { GatewayError } from '../../errors.ts';

/**
 * A message that cannot be sent where the agent asked. Code `GATEWAY_ERR_BAD_REQUEST`.
 *
 * @example
 * throw new SendMessageError('telegram has no home channel', { platform: 'telegram' });
 */
export class SendMessageError extends GatewayError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('GATEWAY_ERR_BAD_REQUEST', message, details, options);
    this.name = 'SendMessageError';
  }
}
