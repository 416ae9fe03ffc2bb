/**
 * `hermes doctor` on temp homes: a healthy home passes; too-open permissions,
 * an invalid config key, a refused Telegram token, a busy port and a damaged
 * database are each reported with their fix, and the exit code says whether
 * anything must be fixed.
 */
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/doctor/check-result.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import { FakeBotApi } from '../adapters/telegram/fake-bot-api.ts';
import { runHermes, tempDir } from './run-hermes.ts';

const TOKEN = '123456789:AAE-doctor-test-token';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A home as the gateway leaves it: 0700 folder, 0600 config, database and log. */
async function healthyHome(
  config = 'agent:\n  backend: echo\n',
  meta: Record<string, string> = {},
): Promise<string> {
  const home = join(tempDir(), 'home');
  mkdirSync(join(home, 'logs'), { recursive: true });
  writeFileSync(join(home, 'config.yaml'), config);
  writeFileSync(join(home, 'logs', 'gateway.log'), 'started\n');
  const store = createSqliteStore({ path: join(home, 'state.db') });
  await store.migrate();
  for (const [key, value] of Object.entries(meta)) await store.meta.set(key, value);
  await store.close();
  chmodSync(home, 0o700);
  for (const file of ['config.yaml', 'state.db', 'state.db-wal', 'state.db-shm', 'logs/gateway.log']) {
    if (existsSync(join(home, file))) chmodSync(join(home, file), 0o600);
  }
  return home;
}

/** Runs `hermes doctor --json` and returns the exit code and checks. */
async function doctorJson(
  env: Record<string, string>,
): Promise<{ code: number | null; checks: CheckResult[] }> {
  const run = await runHermes(['doctor', '--json'], env);
  expect(run.stderr).toBe('');
  return { code: run.code, checks: (JSON.parse(run.stdout) as { checks: CheckResult[] }).checks };
}

const find = (checks: CheckResult[], name: string) => checks.find((c) => c.name === name);

/** A TCP listener on a free loopback port, closed after the test. */
async function busyPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  cleanups.push(() => new Promise((done) => server.close(() => done())));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return address.port;
}

describe('hermes doctor', () => {
  it('passes a healthy home with exit code 0 and prints a line per check', async () => {
    const home = await healthyHome();
    const run = await runHermes(['doctor'], { HERMES_HOME: home });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('❌');
    expect(run.stdout).toContain('✅ Node version');
    expect(run.stdout).toContain('✅ Home permissions');
    expect(run.stdout).toContain('✅ Configuration: valid');
    expect(run.stdout).toContain('✅ Disk space');
    expect(run.stdout).toMatch(/✅ Database integrity: .*integrity_check and quick_check ok/);
  });

  it('flags a 0755 home and a 0644 database with the chmod to run, without changing them', async () => {
    const home = await healthyHome();
    chmodSync(home, 0o755);
    chmodSync(join(home, 'state.db'), 0o644);
    const { code, checks } = await doctorJson({ HERMES_HOME: home });
    const perms = find(checks, 'Home permissions');
    expect(perms?.status).toBe('warn');
    expect(perms?.message).toContain(`${home} is 0755`);
    expect(perms?.message).toContain(`${join(home, 'state.db')} is 0644`);
    expect(perms?.message).not.toContain('config.yaml');
    expect(perms?.fix).toBe(
      `run: chmod 700 ${home} && chmod 600 ${join(home, 'state.db')} (or restart the gateway: it tightens its home at start)`,
    );
    expect(code).toBe(0);
  });

  it('reports an invalid config key with its fix and exits 1', async () => {
    const home = await healthyHome('api_server:\n  prot: 8642\n');
    const { code, checks } = await doctorJson({ HERMES_HOME: home });
    const problem = checks.find((c) => c.name.startsWith('Configuration: api_server'));
    expect(problem?.status).toBe('fail');
    expect(problem?.name).toContain('api_server.prot');
    expect(problem?.fix).toContain('port');
    expect(code).toBe(1);
  });

  it('probes the Telegram token with getMe against the configured API root', async () => {
    const api = new FakeBotApi({ token: TOKEN });
    await api.start();
    cleanups.push(() => api.close());
    const home = await healthyHome();

    const good = await doctorJson({
      HERMES_HOME: home,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: api.url,
    });
    const ok = find(good.checks, 'telegram credentials');
    expect(ok?.status).toBe('ok');
    expect(ok?.message).toContain(`@${api.me.username}`);
    expect(good.code).toBe(0);

    const wrong = await doctorJson({
      HERMES_HOME: home,
      TELEGRAM_BOT_TOKEN: '123456789:AAE-revoked-doctor-token',
      TELEGRAM_API_ROOT: api.url,
    });
    const refused = find(wrong.checks, 'telegram credentials');
    expect(refused?.status).toBe('fail');
    expect(refused?.message).toContain('401');
    expect(refused?.fix).toContain('@BotFather');
    expect(wrong.code).toBe(1);
  });

  it('reports an unreachable platform as a warning, not a failure', async () => {
    const home = await healthyHome();
    const closed = await busyPort();
    // a port nothing answers on: bind one, note it, close it
    await cleanups.splice(0)[0]?.();
    const { code, checks } = await doctorJson({
      HERMES_HOME: home,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: `http://127.0.0.1:${closed}`,
    });
    const probe = find(checks, 'telegram credentials');
    expect(probe?.status).toBe('warn');
    expect(probe?.message).toContain('could not reach');
    expect(code).toBe(0);
  });

  it('reports a busy api_server port taken by another program', async () => {
    const port = await busyPort();
    const home = await healthyHome(
      `api_server:\n  enabled: true\n  port: ${port}\n  key: doctor-test-key-0123456789\n`,
    );
    const { code, checks } = await doctorJson({ HERMES_HOME: home });
    const busy = find(checks, 'Port api_server');
    expect(busy?.status).toBe('fail');
    expect(busy?.message).toBe(`127.0.0.1:${port} is in use by another program`);
    expect(busy?.fix).toContain('api_server.port');
    expect(code).toBe(1);
  });

  it('tells a busy port held by the running gateway of this home apart', async () => {
    const port = await busyPort();
    const home = await healthyHome(
      `api_server:\n  enabled: true\n  port: ${port}\n  key: doctor-test-key-0123456789\n`,
      { started_at: String(Date.parse('2026-01-02T03:04:05Z')) },
    );
    const { code, checks } = await doctorJson({ HERMES_HOME: home });
    const busy = find(checks, 'Port api_server');
    expect(busy?.status).toBe('warn');
    expect(busy?.message).toContain(
      'by the gateway of this home that is running since 2026-01-02T03:04:05.000Z',
    );
    expect(code).toBe(0);
  });

  it('fails a corrupted state.db on integrity with exit code 1', async () => {
    const source = await healthyHome();
    const home = await healthyHome();
    copyFileSync(join(source, 'state.db'), join(home, 'state.db'));
    const fd = openSync(join(home, 'state.db'), 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, 4096);
    closeSync(fd);
    const run = await runHermes(['doctor'], { HERMES_HOME: home });
    expect(run.stdout).toMatch(/❌ Database integrity: .*state\.db (is damaged|cannot be read)/);
    expect(run.stdout).toContain('restore it from a backup');
    expect(run.code).toBe(1);
  });

  it('says the database is not created yet in a new home', async () => {
    const home = tempDir();
    chmodSync(home, 0o700);
    const { checks } = await doctorJson({ HERMES_HOME: home });
    expect(find(checks, 'Database integrity')).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('not created yet'),
    });
  });
});
