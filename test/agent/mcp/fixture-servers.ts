/**
 * The `mcp_servers` entries that reach the fixture MCP server: over stdio (a
 * child process run with the Node that runs the tests) and over streamable
 * HTTP (a loopback server with a free port).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The script of the stdio fixture. */
export const STDIO_FIXTURE = fileURLToPath(new URL('./fixtures/stdio-server.ts', import.meta.url));

/** A temp folder with the file the stdio fixture writes its cancelled calls to. */
export function cancelFile(): { path: string; read(): string[]; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-mcp-'));
  const path = join(dir, 'cancelled.txt');
  return {
    path,
    read: () => {
      try {
        return readFileSync(path, 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A stdio server entry for the fixture, as config.yaml holds it. */
export function stdioEntry(env: Record<string, string> = {}) {
  return { command: process.execPath, args: [STDIO_FIXTURE], env };
}

/** Resolves once `check` holds (polling; the test's own timeout bounds it). */
export async function eventually(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}
