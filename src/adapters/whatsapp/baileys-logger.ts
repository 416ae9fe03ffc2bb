/**
 * baileys logs through a pino-like logger. This one forwards its lines to the
 * adapter's logger, one level quieter (baileys reports recovered problems as
 * errors and routine steps as info), and drops trace lines.
 */
import type { UserFacingSocketConfig } from 'baileys';
import type { AdapterLogger } from '../contract.ts';

/** baileys' logger interface (pino-like). */
export type BaileysLogger = NonNullable<UserFacingSocketConfig['logger']>;

/** A baileys logger writing into the adapter's log under `{ lib: 'baileys' }`. */
export function baileysLogger(log: AdapterLogger, bindings: Record<string, unknown> = {}): BaileysLogger {
  const fields = (obj: unknown): object => ({
    lib: 'baileys',
    ...bindings,
    ...(obj !== null && typeof obj === 'object' ? obj : { detail: obj }),
  });
  return {
    level: 'debug',
    child: (more) => baileysLogger(log, { ...bindings, ...more }),
    trace: () => {},
    debug: (obj, msg) => log.debug(fields(obj), msg),
    info: (obj, msg) => log.debug(fields(obj), msg),
    warn: (obj, msg) => log.debug(fields(obj), msg),
    error: (obj, msg) => log.warn(fields(obj), msg),
  };
}
