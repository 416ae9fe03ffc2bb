/**
 * The gateway database (`state.db`), opened read-only: `PRAGMA integrity_check`
 * and `PRAGMA quick_check` must both answer `ok`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { STATE_DB_FILE } from '../config/home.ts';
import { type CheckResult, fail, ok, warn } from './check-result.ts';

const NAME = 'Database integrity';

const restoreFix = (path: string) =>
  `stop the gateway, keep a copy of ${path}, then restore it from a backup ` +
  `(or try: sqlite3 ${path} ".recover" | sqlite3 ${path}.recovered)`;

/** What one check pragma answered: `ok`, or the problems it listed. */
function runPragma(db: SQLite.Database, pragma: 'integrity_check' | 'quick_check'): string[] {
  const rows = db.pragma(pragma) as Record<string, unknown>[];
  return rows.map((row) => String(Object.values(row)[0]));
}

/** Checks `<home>/state.db`; a missing database is a warning ("not created yet"). */
export function checkDatabaseIntegrity(home: string): CheckResult {
  const path = join(home, STATE_DB_FILE);
  if (!existsSync(path)) {
    return warn(NAME, `${path} is not created yet`, 'start the gateway once ("hermes gateway") to create it');
  }
  let db: SQLite.Database | undefined;
  try {
    db = new SQLite(path, { readonly: true, fileMustExist: true });
    const problems: string[] = [];
    for (const pragma of ['integrity_check', 'quick_check'] as const) {
      const answer = runPragma(db, pragma);
      if (!(answer.length === 1 && answer[0] === 'ok')) {
        problems.push(`${pragma}: ${answer.slice(0, 5).join('; ')}`);
      }
    }
    if (problems.length > 0)
      return fail(NAME, `${path} is damaged (${problems.join(' | ')})`, restoreFix(path));
    return ok(NAME, `${path}: integrity_check and quick_check ok`);
  } catch (error) {
    return fail(NAME, `${path} cannot be read as a database: ${(error as Error).message}`, restoreFix(path));
  } finally {
    db?.close();
  }
}
