/**
 * Readable log lines for people: `[time] LEVEL: message key: value …` on one
 * line, coloured by level when the terminal shows colours. Built on pino-pretty's
 * synchronous formatter, so nothing is buffered in a stream.
 */
import { prettyFactory } from 'pino-pretty';

/** Turns one JSON log line into a readable line (ending in a newline). */
export type PrettyLine = (jsonLine: string) => string;

/**
 * Creates the formatter of readable lines.
 *
 * @param colorize colour the level and message (for a terminal; never for files or pipes)
 * @example
 * const pretty = createPrettyLine(process.stdout.isTTY === true);
 * process.stdout.write(pretty('{"level":30,"time":"2026-01-01T00:00:00.000Z","msg":"gateway running"}\n'));
 */
export function createPrettyLine(colorize: boolean): PrettyLine {
  const format = prettyFactory({
    colorize,
    singleLine: true,
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
    ignore: 'pid,hostname,name',
  });
  return (jsonLine) => format(jsonLine);
}

/** Whether colours suit `stream`: a terminal, and `NO_COLOR` not set. */
export function wantsColour(isTTY: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return isTTY && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}
