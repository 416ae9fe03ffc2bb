import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { createLogger, createSilentLogger, logFilePath } from '../../src/logger.ts';
import { tempDir } from './run-hermes.ts';

function lines(home: string): Array<Record<string, unknown>> {
  return readFileSync(logFilePath(home), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the gateway log', () => {
  it('writes one JSON object a line to <home>/logs/gateway.log, creating the folder', () => {
    const home = join(tempDir(), 'fresh-home');
    const logger = createLogger({ home, stdout: false });
    logger.info({ chat: 'dm:42' }, 'message received');
    logger.error({ err: new Error('boom') }, 'send failed');
    expect(logFilePath(home)).toBe(join(home, 'logs', 'gateway.log'));
    const [first, second] = lines(home);
    expect(first).toMatchObject({
      name: 'hermes-gateway',
      level: 30,
      chat: 'dm:42',
      msg: 'message received',
    });
    expect(typeof first?.time).toBe('string');
    expect(second).toMatchObject({ level: 50, msg: 'send failed', err: { message: 'boom' } });
  });

  it('has the line on disk as soon as the call returns', () => {
    const home = tempDir();
    const logger = createLogger({ home, stdout: false });
    logger.fatal('about to crash');
    expect(readFileSync(logFilePath(home), 'utf8')).toContain('about to crash');
  });

  it('appends to an existing log instead of replacing it', () => {
    const home = tempDir();
    createLogger({ home, stdout: false }).info('first run');
    createLogger({ home, stdout: false }).info('second run');
    expect(lines(home).map((line) => line.msg)).toEqual(['first run', 'second run']);
  });

  it('writes only lines at or above the chosen level, and follows a later level change', () => {
    const home = tempDir();
    const logger = createLogger({ home, level: 'warn', stdout: false });
    logger.info('hidden');
    logger.warn('shown');
    logger.level = 'debug';
    logger.debug('shown after the change');
    expect(lines(home).map((line) => line.msg)).toEqual(['shown', 'shown after the change']);
  });

  it('refuses an unknown level with the key and the choices', () => {
    expect(() => createLogger({ level: 'loud', stdout: false })).toThrow(ConfigError);
    expect(() => createLogger({ level: 'loud', stdout: false })).toThrow(
      /logging\.level.*use one of: trace, debug/s,
    );
  });

  it('has a silent logger that writes nothing anywhere', () => {
    const logger = createSilentLogger();
    logger.fatal('nobody hears this');
    expect(logger.isLevelEnabled('fatal')).toBe(false);
  });

  it('writes no file when no home is given', () => {
    const home = tempDir();
    createLogger({ stdout: false }).info('nowhere');
    expect(existsSync(join(home, 'logs'))).toBe(false);
  });
});
