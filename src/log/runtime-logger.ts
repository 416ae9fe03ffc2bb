/**
 * The logging calls the runtime makes. A pino logger fits it; embedders may pass
 * any object with these methods.
 */
export interface RuntimeLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): RuntimeLogger;
}

/** A logger that drops everything. */
export const silentLogger: RuntimeLogger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silentLogger;
  },
};

/** Text of any thrown value. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
