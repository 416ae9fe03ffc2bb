/**
 * The Matrix platform: a bot account on any homeserver, through matrix-js-sdk.
 */
export {
  MATRIX_EDIT_INTERVAL_MS,
  MATRIX_MAX_MESSAGE_LENGTH,
  MatrixAdapter,
  MatrixWire,
} from './matrix-adapter.ts';
export { classifyMatrixError, MATRIX_PLATFORM, toAdapterError } from './matrix-errors.ts';
export type { MatrixOptions } from './matrix-options.ts';
export { MATRIX_VARIABLES, matrixPlatform, readMatrixOptions } from './matrix-platform.ts';
