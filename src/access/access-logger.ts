/** The logging calls access control makes; a pino logger (or any runtime logger) fits. */
export interface AccessLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** A logger that drops everything. */
export const SILENT_ACCESS_LOGGER: AccessLogger = {
  info() {},
  warn() {},
};
