/**
 * The error of file-system checkpoints: git failed, or a checkpoint that was
 * asked for does not exist.
 */
import { GatewayError } from '../errors.ts';

/**
 * A checkpoint could not be taken, listed or restored (`GATEWAY_ERR_CHECKPOINT`).
 *
 * @example
 * throw new CheckpointError('git add failed: permission denied', { workDir });
 */
export class CheckpointError extends GatewayError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('GATEWAY_ERR_CHECKPOINT', message, details, options);
    this.name = 'CheckpointError';
  }
}
