/** The error of spoken replies: the speech endpoint or ffmpeg failed. */
import { GatewayError } from '../errors.ts';

/** What failed while making speech. */
export type VoiceFailure = 'speech' | 'convert';

/**
 * Speech could not be made (`speech`: the `/audio/speech` endpoint failed) or
 * converted (`convert`: ffmpeg failed). Code `GATEWAY_ERR_VOICE`.
 *
 * @example
 * throw new VoiceError('convert', 'ffmpeg exited with code 1: Unknown encoder libopus');
 */
export class VoiceError extends GatewayError {
  readonly failure: VoiceFailure;

  constructor(failure: VoiceFailure, message: string, options?: ErrorOptions) {
    super('GATEWAY_ERR_VOICE', message, { failure }, options);
    this.failure = failure;
    this.name = 'VoiceError';
  }
}
