/**
 * The commands that work on the gateway's database from the command line
 * (`hermes pairing`, `hermes cron`) open `$HERMES_HOME/state.db` the same way:
 * migrate it, run, close it, and turn an error into a message and an exit code.
 */
import { join } from 'node:path';
import { ensureHome, resolveHome, STATE_DB_FILE } from '../config/home.ts';
import { createSqliteStore } from '../persistence/sqlite-store.ts';
import type { Store } from '../persistence/store.ts';
import { reportError } from './report-error.ts';

/**
 * Runs `action` on the state database of the home `env` names; resolves with its
 * exit code, or the error's (after printing it to `stderr`).
 *
 * @example
 * return withStateStore(deps, (store) => perform(store.cron, action, deps));
 */
export async function withStateStore(
  deps: { env: NodeJS.ProcessEnv; stderr: (text: string) => void; now?: () => number },
  action: (store: Store, home: string) => Promise<number>,
): Promise<number> {
  try {
    const home = resolveHome(deps.env);
    ensureHome(home);
    const store = createSqliteStore({
      path: join(home, STATE_DB_FILE),
      ...(deps.now ? { now: deps.now } : {}),
    });
    try {
      await store.migrate();
      return await action(store, home);
    } finally {
      await store.close();
    }
  } catch (error) {
    return reportError(error, deps.stderr);
  }
}
