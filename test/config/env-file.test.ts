/** `$HERMES_HOME/.env`: values read back exactly as written, and the environment wins over the file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadHomeEnv, readEnvFile, writeEnvFile } from '../../src/config/env-file.ts';
import { ConfigError } from '../../src/errors.ts';

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});
const tempHome = () => {
  const home = mkdtempSync(join(tmpdir(), 'hermes-envfile-'));
  homes.push(home);
  return home;
};

describe('.env of the Hermes home', () => {
  it('reads back passwords with spaces, #, quotes and backslashes exactly', () => {
    const home = tempHome();
    const values = {
      A: 'plain:token-1',
      B: ' pass word #1 \\n ',
      C: `it's "quoted"`,
      D: '',
    };
    writeEnvFile(home, values);
    expect(readEnvFile(home)).toEqual(values);
  });

  it('refuses a value with a line break, naming the variable', () => {
    expect(() => writeEnvFile(tempHome(), { EMAIL_PASSWORD: 'a\nb' })).toThrow(ConfigError);
    expect(() => writeEnvFile(tempHome(), { EMAIL_PASSWORD: 'a\nb' })).toThrow(
      /EMAIL_PASSWORD: contains a line break/,
    );
  });

  it('fills only variables the environment does not set', () => {
    const home = tempHome();
    writeEnvFile(home, { TELEGRAM_BOT_TOKEN: 'from-file', SLACK_BOT_TOKEN: 'xoxb-file' });
    const env: NodeJS.ProcessEnv = { HERMES_HOME: home, TELEGRAM_BOT_TOKEN: 'from-env' };
    expect(loadHomeEnv(env)).toEqual(['SLACK_BOT_TOKEN']);
    expect(env.TELEGRAM_BOT_TOKEN).toBe('from-env');
    expect(env.SLACK_BOT_TOKEN).toBe('xoxb-file');
  });
});
