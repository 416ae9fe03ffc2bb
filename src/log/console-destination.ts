/**
 * Where the foreground gateway's log lines go on stdout: readable coloured lines
 * on a terminal, JSON lines everywhere else (the service journal, pipes), so
 * tools reading stdout keep getting one JSON object a line.
 */
import { type DestinationStream, pino } from 'pino';
import { createPrettyLine, wantsColour } from './pretty-line.ts';

/** The terminal or pipe behind stdout (the real `process.stdout`, or a stand-in in tests). */
export interface LogConsole {
  /** Whether it is a terminal. */
  isTTY: boolean;
  /** Writes text synchronously. */
  write(text: string): void;
}

/** The process's stdout, written synchronously (a line is out before the call returns). */
export function processConsole(): LogConsole {
  const out = pino.destination({ dest: 1, sync: true });
  return { isTTY: process.stdout.isTTY === true, write: (text) => out.write(text) };
}

/**
 * A pino destination writing to `console`: pretty when it is a terminal, the
 * JSON line unchanged otherwise.
 */
export function consoleDestination(
  console: LogConsole,
  env: NodeJS.ProcessEnv = process.env,
): DestinationStream {
  if (!console.isTTY) return { write: (line) => console.write(line) };
  const pretty = createPrettyLine(wantsColour(true, env));
  return { write: (line) => console.write(pretty(line)) };
}
