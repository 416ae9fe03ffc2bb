/**
 * The real `hermes gateway setup` wizard in a real terminal (tmux): arrow keys
 * and Enter pick the platform and the choices, a token the loopback API
 * refuses is reported with the fix and nothing is written, a good one saves
 * `.env` and config.yaml with mode 0600 that the gateway's own loader accepts.
 * Needs tmux: skipped with the reason when missing, a failure under CI=true.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { telegramPlatform } from '../../src/adapters/telegram/index.ts';
import { readEnvFile } from '../../src/config/env-file.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { tempDir } from './run-hermes.ts';
import { type FakeApis, startFakeApis } from './setup-fake-apis.ts';

const TMUX = '/usr/bin/tmux';
const ROOT = resolve(import.meta.dirname, '../..');
const NODE = join(ROOT, 'node_modules/.bin/node');
const GOOD_TOKEN = '123456789:AAEgoodTokenValue_abcdefghij12345';
const WRONG_TOKEN = '123456789:AAEwrongTokenValue_abcdefghij1234';

const missing = existsSync(TMUX) ? undefined : `${TMUX} is not installed (apt-get install tmux)`;
if (missing && process.env.CI === 'true') {
  describe('setup wizard in tmux', () => {
    it('needs tmux under CI', () => {
      throw new Error(`tmux is required under CI: ${missing}`);
    });
  });
} else if (missing) {
  describe(`setup wizard in tmux (skipped: ${missing})`, () => {
    it.skipIf(true)(`skipped: ${missing}`, () => {});
  });
}

/** One tmux server of our own (its own socket), killed after each test. */
const socket = `hermes-wizard-${process.pid}`;
const tmux = (...args: string[]) => execFileSync(TMUX, ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-J', '-t', 'wizard');
const keys = (...k: string[]) => tmux('send-keys', '-t', 'wizard', ...k);
const type = (text: string) => tmux('send-keys', '-t', 'wizard', '-l', text);

/** Waits until the screen shows `text` (30 s at most, then fails with the screen). */
async function waitFor(text: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const shown = screen();
    if (shown.includes(text)) return shown;
    if (Date.now() > deadline) throw new Error(`"${text}" never appeared; the screen:\n${shown}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts the wizard in a 120x40 terminal with only these variables. */
function startWizard(env: Record<string, string>): void {
  const vars = Object.entries({ PATH: process.env.PATH ?? '', TERM: 'xterm-256color', ...env }).map(
    ([k, v]) => `${k}=${v}`,
  );
  const command = ['env', '-i', ...vars, NODE, join(ROOT, 'bin/hermes.js'), 'gateway', 'setup']
    .map((part) => `'${part.replaceAll("'", "'\\''")}'`)
    .join(' ');
  tmux(
    'new-session',
    '-d',
    '-s',
    'wizard',
    '-x',
    '120',
    '-y',
    '40',
    `${command}; echo WIZARD_EXIT=$?; sleep 60`,
  );
}

describe.skipIf(missing !== undefined)('setup wizard in tmux', () => {
  let apis: FakeApis;
  beforeAll(async () => {
    apis = await startFakeApis({ telegramToken: GOOD_TOKEN, slackToken: 'xoxb-good-token' });
  });
  afterAll(() => apis.close());
  afterEach(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
  });

  it('refuses a wrong Telegram token, then saves a good one that the gateway accepts', async () => {
    const home = join(tempDir(), 'home');
    const fakeHermes = join(tempDir(), 'hermes');
    writeFileSync(fakeHermes, `#!/bin/sh\necho "error: unknown command '$2'" >&2\nexit 1\n`);
    chmodSync(fakeHermes, 0o755);
    startWizard({
      HOME: tempDir(),
      HERMES_HOME: home,
      TELEGRAM_API_ROOT: apis.telegramRoot,
      HERMES_SETUP_HERMES: fakeHermes,
    });
    const menu = await waitFor('Which platform do you want to set up?');
    expect(menu).toMatch(/Telegram\s+not configured/);
    expect(menu).toMatch(/WhatsApp\s+not configured/);
    keys('Enter');
    await waitFor('TELEGRAM_BOT_TOKEN: Bot token from @BotFather');
    type('not-a-token');
    keys('Enter');
    await waitFor('does not look like a bot token');
    for (let i = 0; i < 'not-a-token'.length; i++) keys('BSpace');
    type(WRONG_TOKEN);
    keys('Enter');
    const refused = await waitFor('What now?');
    expect(refused).toContain('TELEGRAM_BOT_TOKEN: Telegram refused the token (401 Unauthorized)');
    expect(refused).toContain('Fix: copy the token again from @BotFather');
    expect(refused).toContain('Nothing was saved.');
    expect(existsSync(join(home, '.env'))).toBe(false);
    expect(existsSync(join(home, 'config.yaml'))).toBe(false);

    keys('Enter'); // enter the credentials again
    await waitFor('Enter the credentials again');
    type(GOOD_TOKEN);
    keys('Enter');
    await waitFor('Telegram accepted the credentials: @hermes_test_bot');
    await waitFor('Who may talk to the bot? TELEGRAM_ALLOWED_USERS');
    type('111,@alice');
    keys('Enter');
    await waitFor('"@alice" is not numeric user ids');
    for (let i = 0; i < ',@alice'.length; i++) keys('BSpace');
    keys('Enter');
    await waitFor('How should the bot treat DMs from people not on the list?');
    keys('Down', 'Enter'); // with an allowlist, "ignore" comes first: pick pairing
    await waitFor('Start the gateway with the new settings?');
    keys('Enter'); // restart the service
    const done = await waitFor('WIZARD_EXIT=0');
    expect(done).toContain('no "hermes gateway restart" command');
    expect(done).not.toContain('AAEgoodTokenValue');

    expect(statSync(join(home, '.env')).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'config.yaml')).mode & 0o777).toBe(0o600);
    const saved = readEnvFile(home);
    expect(saved).toMatchObject({ TELEGRAM_BOT_TOKEN: GOOD_TOKEN, TELEGRAM_ALLOWED_USERS: '111' });
    const config = loadConfig({ home, env: saved });
    expect(config.gateway.platforms.telegram?.unauthorized_dm_behavior).toBe('pair');
    const read = telegramPlatform.read({ env: saved, extra: {}, home });
    expect(read).toMatchObject({ configured: true, options: { token: GOOD_TOKEN } });
  });

  it('refuses a Slack token that auth.test rejects and cancels without writing', async () => {
    const home = join(tempDir(), 'home');
    startWizard({ HOME: tempDir(), HERMES_HOME: home, HERMES_SETUP_SLACK_API_URL: apis.slackApiUrl });
    await waitFor('Which platform do you want to set up?');
    keys('Down', 'Down', 'Enter');
    await waitFor('SLACK_BOT_TOKEN');
    type('xoxb-revoked-token');
    keys('Enter');
    await waitFor('How should Slack reach the gateway?');
    keys('Enter'); // Socket Mode
    await waitFor('SLACK_APP_TOKEN');
    type('xapp-1-abc');
    keys('Enter');
    const refused = await waitFor('What now?');
    expect(refused).toContain('SLACK_BOT_TOKEN: Slack refused the token (invalid_auth)');
    keys('Down', 'Enter'); // cancel without saving
    const done = await waitFor('WIZARD_EXIT=0');
    expect(done).toContain('Cancelled: nothing was saved.');
    expect(existsSync(join(home, '.env'))).toBe(false);
    expect(existsSync(join(home, 'config.yaml'))).toBe(false);
  });
});
