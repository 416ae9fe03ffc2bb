/**
 * A real Dovecot 2.3 IMAP server for the email tests, run as an ordinary user
 * (PEERS.md, "Dovecot 2.3 as an ordinary user"): private base and state
 * folders in a temp dir, maildir mailboxes, plain text on a free loopback port.
 * Every user name logs in with `DOVECOT_PASSWORD` (a static passdb), so each
 * test takes a fresh mailbox just by using a new name. Started with `dovecot -F` (as `nobody` when the tests run
 * as root) and stopped by its master PID.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** Where the Debian package installs the server. */
export const DOVECOT_BIN = '/usr/sbin/dovecot';

/** Why Dovecot cannot run here, or `undefined` when it can. */
export function dovecotMissing(): string | undefined {
  if (!existsSync(DOVECOT_BIN)) return `${DOVECOT_BIN} not found (apt-get install dovecot-imapd)`;
  return undefined;
}

/** The password of every mailbox. */
export const DOVECOT_PASSWORD = 'dovecot-test-password';

/** A running Dovecot. */
export interface Dovecot {
  host: string;
  port: number;
  /** Stops the server (connections drop) and starts it again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts Dovecot.
 *
 * @param opts.idle false: the server does not announce IDLE (clients must poll)
 */
export async function startDovecot(opts: { idle?: boolean } = {}): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-dovecot-'));
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? 'nobody' : userInfo().username;
  const group = asRoot ? 'nogroup' : (execFileSync('id', ['-gn']).toString().trim() as string);
  const capability =
    opts.idle === false
      ? 'imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT UIDPLUS LITERAL+ ESEARCH\n'
      : '';
  writeFileSync(
    join(dir, 'dovecot.conf'),
    `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%n
default_internal_user = ${user}
default_internal_group = ${group}
default_login_user = ${user}
first_valid_uid = 0
first_valid_gid = 0
${capability}passdb {
  driver = static
  args = password=${DOVECOT_PASSWORD}
}
userdb {
  driver = static
  args = uid=${user} gid=${group} home=${dir}/mail/%n
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`,
  );
  if (asRoot) execFileSync('chown', ['-R', `${user}:${group}`, dir]);

  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const cmd = asRoot ? 'runuser' : DOVECOT_BIN;
    const args = ['-F', '-c', join(dir, 'dovecot.conf')];
    child = spawn(cmd, asRoot ? ['-u', user, '--', DOVECOT_BIN, ...args] : args, { stdio: 'ignore' });
    await waitForGreeting(port, dir);
  };
  const stopServer = async (): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    const pidFile = join(dir, 'run', 'master.pid');
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : proc.pid;
    if (pid) process.kill(pid, 'SIGTERM');
    await exited;
  };
  await start();
  return {
    host: '127.0.0.1',
    port,
    async restart() {
      await stopServer();
      await start();
    },
    async stop() {
      await stopServer();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until the server greets on `port` (up to 10 s). */
async function waitForGreeting(port: number, dir: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('* OK'));
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  const log = existsSync(join(dir, 'dovecot.log')) ? readFileSync(join(dir, 'dovecot.log'), 'utf8') : '';
  throw new Error(`Dovecot did not start on port ${port}:\n${log}`);
}
