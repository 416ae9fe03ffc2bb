/** The coded error of the lease seam. */
import { GatewayError } from '../errors.ts';

/** The argument of a lease call that was refused. */
export type LeaseArgument = 'name' | 'owner' | 'ttlMs' | 'token';

/**
 * A lease call was refused before it reached the database (`GATEWAY_ERR_LEASE`):
 * an empty lease name or owner, or a ttl or fencing token that is not a positive
 * whole number. Nothing was written.
 *
 * @example
 * await store.leases.acquire('session:telegram:dm:42', 'gw-1', 0); // rejects: LeaseError, argument 'ttlMs'
 */
export class LeaseError extends GatewayError {
  /** The lease the call was about. */
  readonly lease: string;
  /** Which argument was refused. */
  readonly argument: LeaseArgument;

  /**
   * @param lease - the lease name as given
   * @param argument - the refused argument
   * @param value - its value, shown in the message
   * @param expected - what it must be, e.g. `a positive whole number of milliseconds`
   */
  constructor(lease: string, argument: LeaseArgument, value: unknown, expected: string) {
    super(
      'GATEWAY_ERR_LEASE',
      `Lease ${JSON.stringify(lease)}: ${argument} must be ${expected}, got ${describe(value)}`,
      { lease, argument },
    );
    this.name = 'LeaseError';
    this.lease = lease;
    this.argument = argument;
  }
}

/** A short, safe rendering of a refused value. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return typeof value;
}
