/** `gateway.log` rotates by size and keeps the configured number of older files, written by the real logger. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rotatedLogPath } from '../../src/log/log-files.ts';
import { createLogger, logFilePath } from '../../src/logger.ts';
import { tempDir } from '../cli/run-hermes.ts';

function messages(path: string): string[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { msg: string }).msg);
}

describe('gateway.log rotation', () => {
  it('rotates past max size and keeps exactly `keep` older files, newest as .1, with no line lost among them', () => {
    const home = tempDir();
    const logger = createLogger({ home, stdout: false, rotation: { maxBytes: 2000, keep: 3 } });
    for (let i = 0; i < 200; i++) logger.info({ filler: 'x'.repeat(40) }, `line ${i}`);
    const live = logFilePath(home);
    const files = [rotatedLogPath(live, 3), rotatedLogPath(live, 2), rotatedLogPath(live, 1), live];
    for (const file of files) {
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).size).toBeLessThanOrEqual(2000);
    }
    expect(existsSync(rotatedLogPath(live, 4))).toBe(false);
    const kept = files.flatMap(messages);
    expect(kept.at(-1)).toBe('line 199');
    const first = Number(kept[0]?.split(' ')[1]);
    expect(kept).toEqual(Array.from({ length: 200 - first }, (_, k) => `line ${first + k}`));
  });

  it('counts what an earlier run left in gateway.log toward the size', () => {
    const home = tempDir();
    const rotation = { maxBytes: 1000, keep: 2 };
    const before = createLogger({ home, stdout: false, rotation });
    for (let i = 0; i < 5; i++) before.info({ filler: 'y'.repeat(60) }, `before ${i}`);
    const after = createLogger({ home, stdout: false, rotation });
    for (let i = 0; i < 5; i++) after.info({ filler: 'y'.repeat(60) }, `after ${i}`);
    const live = logFilePath(home);
    expect(statSync(live).size).toBeLessThanOrEqual(1000);
    expect(messages(rotatedLogPath(live, 1))[0]).toBe('before 0');
  });

  it('with keep 0 keeps only the live file', () => {
    const home = tempDir();
    const logger = createLogger({ home, stdout: false, rotation: { maxBytes: 500, keep: 0 } });
    for (let i = 0; i < 30; i++) logger.info(`line ${i}`);
    const live = logFilePath(home);
    expect(existsSync(rotatedLogPath(live, 1))).toBe(false);
    expect(messages(live).at(-1)).toBe('line 29');
  });

  it('writes a line longer than the limit whole, in a file of its own', () => {
    const home = tempDir();
    const logger = createLogger({ home, stdout: false, rotation: { maxBytes: 200, keep: 2 } });
    logger.info('short');
    logger.info({ big: 'z'.repeat(500) }, 'long');
    logger.info('next');
    const live = logFilePath(home);
    expect(messages(rotatedLogPath(live, 2))).toEqual(['short']);
    expect(messages(rotatedLogPath(live, 1))).toEqual(['long']);
    expect(messages(live)).toEqual(['next']);
  });
});
