/**
 * Codes are kept only as salted hashes: after requests, approvals, failed attempts
 * and the gateway's access decisions, no code appears in the bytes of the SQLite
 * files or of the gateway log.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AccessControl } from '../../src/access/access-control.ts';
import { Pairing } from '../../src/access/pairing.ts';
import { verifyPairingCode } from '../../src/access/pairing-code.ts';
import { createLogger, logFilePath } from '../../src/logger.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import { codeIn, messageFrom } from './pairing-fixtures.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Every byte of every file under `dir`, as latin1 text (so ASCII codes show up as they are). */
function bytesUnder(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name)).toString('latin1'))
    .join('\n');
}

describe('hash-only storage of pairing codes', () => {
  it('keeps no code in the database files or the log, while the hashes still verify', async () => {
    const home = mkdtempSync(join(tmpdir(), 'hermes-pairing-hash-'));
    dirs.push(home);
    const store = createSqliteStore({ path: join(home, 'state.db') });
    await store.migrate();
    const log = createLogger({ home, stdout: false, level: 'trace' });
    const pairing = new Pairing({ store: store.pairing, log });
    const access = new AccessControl({ pairing, env: {}, platforms: {}, log });

    const codes: string[] = [];
    for (const user of ['1', '2', '3']) {
      const decision = await access.authorize(messageFrom(user, { userName: `User ${user}` }));
      codes.push(codeIn((decision as { reply: string }).reply));
    }
    await access.authorize(messageFrom('1'));
    await access.authorize(messageFrom('4'));

    // The stored rows hold hashes that verify against the codes, never the codes.
    const rows = await store.pairing.listRequests('telegram');
    expect(rows).toHaveLength(3);
    for (const [i, row] of rows.entries()) {
      expect(row.codeHash).toMatch(/^scrypt\$16384\$8\$1\$/);
      expect(row.salt).toMatch(/^[0-9a-f]{32}$/);
      expect(await verifyPairingCode(codes[i] as string, row)).toBe(true);
      expect(await verifyPairingCode(codes[(i + 1) % 3] as string, row)).toBe(false);
    }

    await pairing.approve('telegram', (codes[0] as string).toLowerCase());
    await pairing.approve('telegram', 'ABCDEFGH').catch(() => undefined);
    await access.authorize(messageFrom('1'));
    await store.flush();

    const beforeClose = bytesUnder(home);
    await store.close();
    const afterClose = bytesUnder(home);
    expect(readFileSync(logFilePath(home), 'utf8')).toContain('pairing code issued');
    for (const code of codes) {
      for (const bytes of [beforeClose, afterClose]) {
        expect(bytes).not.toContain(code);
        expect(bytes).not.toContain(code.toLowerCase());
      }
    }
  });
});
