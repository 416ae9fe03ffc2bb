/**
 * The loggers of matrix-js-sdk. The client's own logger is given per client and
 * writes to the adapter's logger at debug level. Some parts of the SDK (room
 * models, the send queue, MatrixRTC) log through the SDK's process-wide logger
 * instead, which prints to the console; `routeSdkGlobalLogger` sends those lines
 * to the adapter's logger too, so they never break the gateway's JSON log lines.
 */
import { type Logger, logger as sdkGlobalLogger } from 'matrix-js-sdk/lib/logger.js';
import type { AdapterLogger } from '../contract.ts';

/** A matrix-js-sdk `Logger` that writes warnings and errors to `log.debug`, tagged with the SDK's namespace. */
export function sdkLogger(log: AdapterLogger, namespace = 'matrix-js-sdk'): Logger {
  const write =
    (level: string) =>
    (...msg: unknown[]): void => {
      log.debug(
        { sdk: namespace, level },
        msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' '),
      );
    };
  return {
    trace: () => {},
    debug: () => {},
    info: () => {},
    warn: write('warn'),
    error: write('error'),
    getChild: (child: string) => sdkLogger(log, `${namespace}:${child}`),
  };
}

/** Where the SDK's process-wide warnings go (the adapter that started last). */
let globalSink: AdapterLogger | undefined;

interface LoglevelLike {
  methodFactory: (methodName: string, level: unknown, loggerName: unknown) => (...args: unknown[]) => void;
  rebuild(): void;
}

/**
 * Routes the SDK's process-wide logger (and the child loggers it creates from
 * now on) to `log`: warnings and errors at debug level, the rest dropped.
 */
export function routeSdkGlobalLogger(log: AdapterLogger): void {
  globalSink = log;
  const root = sdkGlobalLogger as unknown as LoglevelLike;
  root.methodFactory = (methodName) =>
    methodName === 'warn' || methodName === 'error'
      ? (...args: unknown[]) =>
          globalSink?.debug(
            { sdk: 'matrix-js-sdk', level: methodName },
            args.map((m) => (m instanceof Error ? m.message : String(m))).join(' '),
          )
      : () => {};
  root.rebuild();
}
