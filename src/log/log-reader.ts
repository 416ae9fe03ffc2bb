/** Reads the recorded lines of the gateway log, across its rotated files, oldest first. */
import { readFileSync } from 'node:fs';
import { logFilesOldestFirst } from './log-files.ts';
import { type LogFilter, type LogRecord, parseLogLine } from './log-filter.ts';

/** One log line as written, with its parsed form. */
export interface LogEntry {
  line: string;
  record: LogRecord;
}

/** What `readLogTail` found. */
export interface LogTail {
  /** The wanted lines, oldest first. */
  entries: LogEntry[];
  /** Bytes of complete lines read from the live file: where following it continues. */
  liveOffset: number;
}

/**
 * The last `limit` lines of the log at `path` (and its rotated files) that pass
 * `filter`, oldest first. Lines that are not JSON are left out.
 */
export function readLogTail(path: string, filter: LogFilter, limit: number): LogTail {
  const kept: LogEntry[] = [];
  let liveOffset = 0;
  for (const file of logFilesOldestFirst(path)) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      continue; // rotated away meanwhile
    }
    const complete = bytes.lastIndexOf(0x0a) + 1;
    if (file === path) liveOffset = complete;
    for (const line of bytes.toString('utf8', 0, complete).split('\n')) {
      const record = parseLogLine(line);
      if (!record || !filter(record)) continue;
      kept.push({ line, record });
      if (kept.length >= 2 * limit + 1024) kept.splice(0, kept.length - limit);
    }
  }
  return { entries: limit > 0 ? kept.slice(-limit) : [], liveOffset };
}
