/**
 * Bolt's and the Slack SDKs' log calls, forwarded to the gateway's structured
 * logger under `scope: 'slack'`. Debug lines (request bodies and the like) are
 * dropped unless the level is lowered to debug.
 */
import { type Logger, LogLevel } from '@slack/bolt';
import type { AdapterLogger } from '../contract.ts';

const ORDER: readonly LogLevel[] = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

/**
 * A `@slack/logger` Logger writing to an adapter logger.
 *
 * @example
 * new App({ logger: createBoltLogger(ctx.log), ... });
 */
export function createBoltLogger(log: AdapterLogger, initial: LogLevel = LogLevel.INFO): Logger {
  let level = initial;
  let name = 'bolt';
  const enabled = (at: LogLevel) => ORDER.indexOf(at) >= ORDER.indexOf(level);
  const line = (msg: unknown[]) =>
    msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : safeJson(m))).join(' ');
  return {
    debug: (...msg: unknown[]) => {
      if (enabled(LogLevel.DEBUG)) log.debug({ scope: 'slack', source: name }, line(msg));
    },
    info: (...msg: unknown[]) => {
      if (enabled(LogLevel.INFO)) log.info({ scope: 'slack', source: name }, line(msg));
    },
    warn: (...msg: unknown[]) => {
      if (enabled(LogLevel.WARN)) log.warn({ scope: 'slack', source: name }, line(msg));
    },
    error: (...msg: unknown[]) => {
      if (enabled(LogLevel.ERROR)) log.error({ scope: 'slack', source: name }, line(msg));
    },
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next: string) => {
      name = next;
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
