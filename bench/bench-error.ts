/**
 * The coded error of the benchmark runner: the benchmark could not be set up
 * or its load generator failed, so no figure would be honest.
 */

/** Why a benchmark stopped. */
export type BenchErrorCode =
  /** The load generator (child process) failed or returned nothing. */
  | 'BENCH_ERR_LOAD'
  /** A server, store or session fixture could not be prepared. */
  | 'BENCH_ERR_SETUP';

/**
 * An error that stops the benchmark run.
 *
 * @example
 * throw new BenchError('BENCH_ERR_LOAD', 'the load generator exited with code 1', { code: 1 });
 */
export class BenchError extends Error {
  /** Stable machine-readable code. */
  readonly code: BenchErrorCode;
  /** Extra structured details. */
  readonly details: Record<string, unknown>;

  constructor(
    code: BenchErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'BenchError';
    this.code = code;
    this.details = details;
  }
}
