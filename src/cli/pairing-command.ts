import type { Command } from 'commander';
import { Pairing, type PairingOverview } from '../access/pairing.ts';
import { createLogger } from '../logger.ts';
import { EXIT_FAILURE } from './report-error.ts';
import { withStateStore } from './state-store.ts';

/** The database file inside `$HERMES_HOME` (the one the gateway opens). */

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
export function runPairingCommand(action: PairingAction, deps: PairingCommandDeps): Promise<number> {
  return withStateStore(deps, (store, home) => {
    const log = createLogger({ home, stdout: false }).child({ component: 'pairing-cli' });
    const pairing = new Pairing({ store: store.pairing, log, ...(deps.now ? { now: deps.now } : {}) });
    return perform(pairing, action, deps);
  });
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
