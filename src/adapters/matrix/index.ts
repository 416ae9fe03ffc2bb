/**
 * The Matrix platform: a bot account on any homeserver, through matrix-js-sdk.
 */
import type { PlatformDefinition } from '../platform-definition.ts';
import { MatrixAdapter } from './matrix-adapter.ts';
import { MATRIX_VARIABLES, type MatrixOptions, readMatrixOptions } from './matrix-options.ts';

/** Matrix as the gateway configures it (`MATRIX_HOMESERVER` turns it on). */
export const matrixPlatform: PlatformDefinition<MatrixOptions> = {
  name: 'matrix',
  title: 'Matrix',
  variables: MATRIX_VARIABLES,
  read: readMatrixOptions,
  create: (options) => new MatrixAdapter(options),
};

export {
  MATRIX_CAPABILITIES,
  MATRIX_EDIT_INTERVAL_MS,
  MATRIX_MAX_MESSAGE_LENGTH,
  MatrixAdapter,
} from './matrix-adapter.ts';
export { MATRIX_PLATFORM, toAdapterError } from './matrix-errors.ts';
export { MATRIX_VARIABLES, type MatrixOptions, readMatrixOptions } from './matrix-options.ts';
