/**
 * `hermes gateway setup --platform <name>` without a terminal: credentials from
 * the environment or `--set`, checked by the platform's schema and live against
 * a loopback API, saved to `.env` and config.yaml (0600) that `hermes gateway`
 * then reads; a refused token writes nothing.
 */
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvFile } from '../../src/config/env-file.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { runHermes, tempDir } from './run-hermes.ts';
import { type FakeApis, startFakeApis } from './setup-fake-apis.ts';

const GOOD_TOKEN = '123456789:AAEgoodTokenValue_abcdefghij12345';
const WRONG_TOKEN = '123456789:AAEwrongTokenValue_abcdefghij1234';
let apis: FakeApis;

beforeAll(async () => {
  apis = await startFakeApis({ telegramToken: GOOD_TOKEN, slackToken: 'xoxb-good-token' });
});
afterAll(() => apis.close());

const mode = (path: string) => statSync(path).mode & 0o777;

describe('hermes gateway setup --platform', () => {
  it('checks the token live, saves .env and config.yaml with mode 0600, and the gateway reads them', async () => {
    const home = join(tempDir(), 'home');
    const run = await runHermes(
      ['gateway', 'setup', '--platform', 'telegram', '--allowed-users', '111,222', '--dm-pairing', 'ignore'],
      { HERMES_HOME: home, TELEGRAM_BOT_TOKEN: GOOD_TOKEN, TELEGRAM_API_ROOT: apis.telegramRoot },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Telegram accepted the credentials: @hermes_test_bot');
    expect(run.stdout).not.toContain('AAEgoodTokenValue');
    expect(mode(join(home, '.env'))).toBe(0o600);
    expect(mode(join(home, 'config.yaml'))).toBe(0o600);
    expect(readEnvFile(home)).toMatchObject({
      TELEGRAM_BOT_TOKEN: GOOD_TOKEN,
      TELEGRAM_ALLOWED_USERS: '111,222',
    });
    const config = loadConfig({ home, env: {} });
    expect(config.gateway.platforms.telegram?.unauthorized_dm_behavior).toBe('ignore');

    // the gateway itself picks the token up from $HERMES_HOME/.env
    const check = await runHermes(['gateway', '--check'], { HERMES_HOME: home });
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('Platforms: telegram');
  });

  it('refuses a token the platform rejects, naming the variable and the fix, and writes nothing', async () => {
    const home = join(tempDir(), 'home');
    const run = await runHermes(['gateway', 'setup', '--platform', 'telegram'], {
      HERMES_HOME: home,
      TELEGRAM_BOT_TOKEN: WRONG_TOKEN,
      TELEGRAM_API_ROOT: apis.telegramRoot,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('TELEGRAM_BOT_TOKEN: Telegram refused the token (401 Unauthorized)');
    expect(run.stderr).toContain('Fix: copy the token again from @BotFather');
    expect(run.stderr).not.toContain('AAEwrongTokenValue');
    expect(existsSync(join(home, '.env'))).toBe(false);
    expect(existsSync(join(home, 'config.yaml'))).toBe(false);
  });

  it("refuses a malformed value with the platform schema's message before any request", async () => {
    const home = join(tempDir(), 'home');
    const before = apis.requests.length;
    const run = await runHermes(
      [
        'gateway',
        'setup',
        '--platform',
        'slack',
        '--set',
        'SLACK_BOT_TOKEN=xoxp-user-token',
        '--set',
        'SLACK_APP_TOKEN=xapp-1',
      ],
      { HERMES_HOME: home, HERMES_SETUP_SLACK_API_URL: apis.slackApiUrl },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('SLACK_BOT_TOKEN: expected a bot token starting with xoxb-');
    expect(apis.requests.length).toBe(before);
    expect(existsSync(join(home, '.env'))).toBe(false);
  });

  it('saves Slack after auth.test, keeps other lines of .env, and refuses unknown variables', async () => {
    const home = tempDir();
    writeFileSync(join(home, '.env'), '# my settings\nOPENAI_API_KEY=sk-keep\n');
    const unknown = await runHermes(
      ['gateway', 'setup', '--platform', 'slack', '--set', 'TELEGRAM_BOT_TOKEN=1'],
      {
        HERMES_HOME: home,
      },
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('TELEGRAM_BOT_TOKEN is not a variable of --platform slack');
    const wrongIds = await runHermes(
      ['gateway', 'setup', '--platform', 'slack', '--allowed-users', 'alice', '--no-check'],
      { HERMES_HOME: home, SLACK_BOT_TOKEN: 'xoxb-good-token', SLACK_APP_TOKEN: 'xapp-1-abc' },
    );
    expect(wrongIds.code).toBe(2);
    expect(wrongIds.stderr).toContain('SLACK_ALLOWED_USERS: "alice" is not member ids');

    const run = await runHermes(['gateway', 'setup', '--platform', 'slack', '--allowed-users', 'U012ABC'], {
      HERMES_HOME: home,
      SLACK_BOT_TOKEN: 'xoxb-good-token',
      SLACK_APP_TOKEN: 'xapp-1-abc',
      HERMES_SETUP_SLACK_API_URL: apis.slackApiUrl,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Slack accepted the credentials: hermes in Acme');
    const text = readFileSync(join(home, '.env'), 'utf8');
    expect(text.startsWith('# my settings\nOPENAI_API_KEY=sk-keep\n')).toBe(true);
    expect(readEnvFile(home)).toMatchObject({
      SLACK_BOT_TOKEN: 'xoxb-good-token',
      SLACK_ALLOWED_USERS: 'U012ABC',
    });
    expect(mode(join(home, '.env'))).toBe(0o600);
  });

  it('says plainly when this hermes has no service command to run', async () => {
    const home = tempDir();
    const fakeHermes = join(tempDir(), 'hermes');
    writeFileSync(fakeHermes, `#!/bin/sh\necho "error: unknown command '$2'" >&2\nexit 1\n`);
    chmodSync(fakeHermes, 0o755);
    const run = await runHermes(
      ['gateway', 'setup', '--platform', 'telegram', '--no-check', '--service', 'restart'],
      { HERMES_HOME: home, TELEGRAM_BOT_TOKEN: GOOD_TOKEN, HERMES_SETUP_HERMES: fakeHermes },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('This version of hermes has no "hermes gateway restart" command');
    expect(readEnvFile(home).TELEGRAM_BOT_TOKEN).toBe(GOOD_TOKEN);
  });
});
