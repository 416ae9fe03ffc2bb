/**
 * How the CLI reports a failure: coded gateway errors print their message only
 * (it already names the key and the fix); anything else prints its stack.
 */
import { ConfigError, GatewayError } from '../errors.ts';

/** Exit code for configuration problems. */
export const EXIT_CONFIG = 2;

/** Exit code for every other failure. */
export const EXIT_FAILURE = 1;

/** Exit code after a second SIGINT/SIGTERM cut the shutdown short. */
export const EXIT_INTERRUPTED = 130;

/** True for errors that mean "fix your configuration". */
export function isConfigProblem(error: unknown): boolean {
  return (
    error instanceof ConfigError ||
    (error instanceof GatewayError &&
      (error.code === 'GATEWAY_ERR_CONFIG' ||
        error.code === 'GATEWAY_ERR_API_KEY' ||
        error.code === 'GATEWAY_ERR_HTTP_DUPLICATE_ROUTE'))
  );
}

/** Writes `error` for a person to read and returns the exit code. */
export function reportError(error: unknown, write: (text: string) => void): number {
  if (error instanceof GatewayError) {
    write(`hermes: ${error.message}\n`);
    return isConfigProblem(error) ? EXIT_CONFIG : EXIT_FAILURE;
  }
  write(
    `hermes: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return EXIT_FAILURE;
}
