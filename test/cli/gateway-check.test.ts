import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHermes, tempDir } from './run-hermes.ts';

describe('hermes gateway --check', () => {
  it('accepts a fresh home, creating it and its logs folder', async () => {
    const home = join(tempDir(), 'home');
    const run = await runHermes(['gateway', '--check'], { HERMES_HOME: home });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Configuration OK: ${join(home, 'config.yaml')}`);
    expect(existsSync(join(home, 'logs'))).toBe(true);
    // Checking never writes a config of its own.
    expect(existsSync(join(home, 'config.yaml'))).toBe(false);
  });

  it('accepts a valid config.yaml, also through the "gateway run" alias', async () => {
    const home = tempDir();
    writeFileSync(
      join(home, 'config.yaml'),
      'api_server:\n  enabled: true\n  key: a-key-that-is-long-enough\n',
    );
    for (const args of [
      ['gateway', '--check'],
      ['gateway', 'run', '--check'],
    ]) {
      const run = await runHermes(args, { HERMES_HOME: home });
      expect(run.code).toBe(0);
      expect(run.stdout.trim()).toBe(
        `Configuration OK: ${join(home, 'config.yaml')}\nPlatforms: none besides the API server`,
      );
    }
  });

  it('lists the platforms the environment turns on, and refuses a bad platform value naming the variable', async () => {
    const home = tempDir();
    const ok = await runHermes(['gateway', '--check'], {
      HERMES_HOME: home,
      DISCORD_BOT_TOKEN: 'discord-token-for-check',
      EMAIL_ADDRESS: 'bot@example.test',
      EMAIL_PASSWORD: 'secret',
      EMAIL_IMAP_HOST: 'imap.example.test',
      EMAIL_SMTP_HOST: 'smtp.example.test',
    });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Platforms: discord, email');
    const bad = await runHermes(['gateway', '--check'], {
      HERMES_HOME: home,
      EMAIL_ADDRESS: 'bot@example.test',
      EMAIL_PASSWORD: 'secret',
      EMAIL_IMAP_HOST: 'imap.example.test',
      EMAIL_SMTP_HOST: 'smtp.example.test',
      EMAIL_IMAP_PORT: 'nine-nine-three',
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('EMAIL_IMAP_PORT');
  });

  it('tells where the HTTP ingress listens, what mounts on it, and which platform variable sets its port', async () => {
    const run = await runHermes(['gateway', '--check'], {
      HERMES_HOME: tempDir(),
      TELEGRAM_BOT_TOKEN: '123456789:AAEabcdefghijklmnopqrstuvwxyz012345',
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram',
      TELEGRAM_WEBHOOK_PORT: '8088',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'secret',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Platforms: telegram, slack');
    expect(run.stdout).toContain(
      'HTTP ingress (gateway.http): 127.0.0.1:8088, routes: telegram POST /telegram; slack POST /slack/events',
    );
    expect(run.stdout).toContain(
      "TELEGRAM_WEBHOOK_PORT sets gateway.http.port: Telegram's webhook now listens on the shared HTTP ingress",
    );
  });

  it('refuses two platforms on one webhook path with exit code 2, naming both', async () => {
    const run = await runHermes(['gateway', '--check'], {
      HERMES_HOME: tempDir(),
      TELEGRAM_BOT_TOKEN: '123456789:AAEabcdefghijklmnopqrstuvwxyz012345',
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/slack/events',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'secret',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'POST /slack/events is already mounted by telegram; slack cannot mount it too',
    );
  });

  it('refuses an invalid config with exit code 2, naming each key and its fix', async () => {
    const home = tempDir();
    writeFileSync(join(home, 'config.yaml'), 'api_sever:\n  port: 1\nagent:\n  backend: gpt\n');
    const run = await runHermes(['gateway', '--check'], { HERMES_HOME: home });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('api_sever: is not a known key');
    expect(run.stderr).toContain('did you mean "api_server"?');
    expect(run.stderr).toContain('agent.backend');
    expect(run.stderr).toContain('use one of: echo, openai, exec');
    expect(run.stderr).toContain(join(home, 'config.yaml'));
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('refuses a YAML syntax error with exit code 2 and the line', async () => {
    const home = tempDir();
    writeFileSync(join(home, 'config.yaml'), 'agent:\n  model: a\n  model: b\n');
    const run = await runHermes(['gateway', '--check'], { HERMES_HOME: home });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('config.yaml:3');
  });

  it('refuses an invalid environment value with exit code 2, naming the variable', async () => {
    const run = await runHermes(['gateway', '--check'], { HERMES_HOME: tempDir(), API_SERVER_PORT: 'http' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('API_SERVER_PORT (api_server.port)');
    expect(run.stderr).toContain('set API_SERVER_PORT to a number such as 8642');
  });

  it('refuses an enabled API server without a key, saying how to set one', async () => {
    const run = await runHermes(['gateway', '--check'], {
      HERMES_HOME: tempDir(),
      API_SERVER_ENABLED: 'true',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('api_server.key');
    expect(run.stderr).toContain('API_SERVER_KEY');
  });

  it('explains an unusable home and exits non-zero without a stack trace', async () => {
    const blocker = join(tempDir(), 'file');
    writeFileSync(blocker, 'not a folder');
    const home = join(blocker, 'home');
    for (const args of [['gateway', '--check'], ['gateway']]) {
      const run = await runHermes(args, { HERMES_HOME: home });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(home);
      expect(run.stderr).toContain('ENOTDIR');
      expect(run.stderr).toContain('point HERMES_HOME at a folder');
      expect(run.stderr).not.toMatch(/^\s+at /m);
    }
  });

  it('refuses to start with an invalid config, exit code 2, before writing anything to the log', async () => {
    const home = tempDir();
    writeFileSync(join(home, 'config.yaml'), 'logging:\n  level: loud\n');
    const run = await runHermes(['gateway'], { HERMES_HOME: home });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('logging.level');
    expect(existsSync(join(home, 'logs', 'gateway.log'))).toBe(false);
  });
});
