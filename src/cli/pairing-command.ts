/**
 * `hermes pairing`: the owner's side of DM pairing, on `$HERMES_HOME/state.db`
 * (safe while the gateway runs: WAL and a busy timeout let both write).
 *
 * - `hermes pairing approve <platform> <code>`: lets the user behind the code in.
 * - `hermes pairing list`: pending requests with user and age, and approved users.
 * - `hermes pairing revoke <platform> <user>`: removes an approved user.
 * - `hermes pairing clear-pending [platform]`: drops pending requests.
 *
 * Refusals (wrong or expired code, approvals locked, unknown user) exit 1 with a
 * message that says what to do. Approvals and revocations are also written to the
 * gateway log; codes never are.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { Pairing, type PairingOverview } from '../access/pairing.ts';
import { ensureHome, resolveHome } from '../config/home.ts';
import { createLogger } from '../logger.ts';
import { createSqliteStore } from '../persistence/sqlite-store.ts';
import { EXIT_FAILURE, reportError } from './report-error.ts';

/** The database file inside `$HERMES_HOME` (the one the gateway opens). */
const STATE_DB_FILE = 'state.db';

/** The process around the command. */
export interface PairingCommandDeps {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Clock in epoch milliseconds; defaults to `Date.now`. */
  now?: () => number;
}

/** One `hermes pairing` action. */
export type PairingAction =
  | { kind: 'approve'; platform: string; code: string }
  | { kind: 'list' }
  | { kind: 'revoke'; platform: string; userId: string }
  | { kind: 'clear-pending'; platform?: string };

/** `5 minutes`, `1 hour 5 minutes`, `less than a minute`. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'less than a minute';
  const unit = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (minutes < 60) return unit(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? unit(hours, 'hour') : `${unit(hours, 'hour')} ${unit(rest, 'minute')}`;
}

function who(userId: string, userName: string | null): string {
  return userName === null || userName === '' ? userId : `${userName} (${userId})`;
}

/** The text `hermes pairing list` prints. */
export function formatOverview(overview: PairingOverview, now: number): string {
  const lines: string[] = [];
  if (overview.pending.length === 0) lines.push('No pending pairing requests.');
  else {
    lines.push(`Pending pairing requests (${overview.pending.length}):`);
    for (const p of overview.pending) {
      lines.push(
        `  ${p.platform}  ${who(p.userId, p.userName)}  asked ${formatDuration(p.ageMs)} ago, ` +
          `expires in ${formatDuration(p.expiresAt - now)}`,
      );
    }
    lines.push('Approve one with: hermes pairing approve <platform> <code>');
  }
  if (overview.approved.length === 0) lines.push('No approved users.');
  else {
    lines.push(`Approved users (${overview.approved.length}):`);
    for (const a of overview.approved) {
      lines.push(
        `  ${a.platform}  ${who(a.userId, a.userName)}  approved ${new Date(a.approvedAt).toISOString()}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

async function perform(pairing: Pairing, action: PairingAction, deps: PairingCommandDeps): Promise<number> {
  switch (action.kind) {
    case 'approve': {
      const approved = await pairing.approve(action.platform, action.code);
      deps.stdout(
        `✅ Approved ${who(approved.userId, approved.userName)} on ${approved.platform}. ` +
          'They can talk to the agent now and are told so on their next message.\n',
      );
      return 0;
    }
    case 'list':
      deps.stdout(formatOverview(await pairing.list(), (deps.now ?? Date.now)()));
      return 0;
    case 'revoke': {
      if (await pairing.revoke(action.platform, action.userId)) {
        deps.stdout(
          `Revoked ${action.platform} user ${action.userId}: they can no longer talk to the agent.\n`,
        );
        return 0;
      }
      deps.stderr(
        `hermes: ${action.platform} user ${action.userId} is not an approved user ` +
          '("hermes pairing list" shows the approved users; users in an allowlist variable are removed there).\n',
      );
      return EXIT_FAILURE;
    }
    case 'clear-pending': {
      const count = await pairing.clearPending(action.platform);
      const where = action.platform === undefined ? '' : ` on ${action.platform}`;
      deps.stdout(`Cleared ${count} pending pairing request${count === 1 ? '' : 's'}${where}.\n`);
      return 0;
    }
  }
}

/**
 * Runs one `hermes pairing` action against `$HERMES_HOME/state.db` and resolves
 * with the exit code (0 done, 1 refused or failed).
 */
export async function runPairingCommand(action: PairingAction, deps: PairingCommandDeps): Promise<number> {
  try {
    const home = resolveHome(deps.env);
    ensureHome(home);
    const store = createSqliteStore({
      path: join(home, STATE_DB_FILE),
      ...(deps.now ? { now: deps.now } : {}),
    });
    try {
      await store.migrate();
      const log = createLogger({ home, stdout: false }).child({ component: 'pairing-cli' });
      const pairing = new Pairing({ store: store.pairing, log, ...(deps.now ? { now: deps.now } : {}) });
      return await perform(pairing, action, deps);
    } finally {
      await store.close();
    }
  } catch (error) {
    return reportError(error, deps.stderr);
  }
}

/**
 * Adds `hermes pairing` and its subcommands to `program`; the chosen action stores
 * its exit code through `setExitCode`.
 */
export function registerPairingCommand(
  program: Command,
  deps: PairingCommandDeps,
  setExitCode: (code: number) => void,
): void {
  const run = async (action: PairingAction): Promise<void> => {
    setExitCode(await runPairingCommand(action, deps));
  };
  const pairing = program
    .command('pairing')
    .description('approve, list and revoke users who paired with the bot by direct message');
  pairing
    .command('approve')
    .description('let in the user who got this pairing code')
    .argument('<platform>', 'platform the code came from, e.g. telegram')
    .argument('<code>', 'the 8-character code the user received')
    .action((platform: string, code: string) => run({ kind: 'approve', platform, code }));
  pairing
    .command('list')
    .description('show pending pairing requests (with user and age) and approved users')
    .action(() => run({ kind: 'list' }));
  pairing
    .command('revoke')
    .description('remove an approved user')
    .argument('<platform>', 'platform of the user, e.g. telegram')
    .argument('<user>', 'the user id ("hermes pairing list" shows it)')
    .action((platform: string, userId: string) => run({ kind: 'revoke', platform, userId }));
  pairing
    .command('clear-pending')
    .description('drop every pending pairing request (their codes stop working)')
    .argument('[platform]', 'only this platform')
    .action((platform: string | undefined) =>
      run(platform === undefined ? { kind: 'clear-pending' } : { kind: 'clear-pending', platform }),
    );
}
