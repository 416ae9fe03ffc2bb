/**
 * The `mcp_servers` section: defaults, and every mistake refused with its key
 * and a fix; tool names as OpenAI-compatible APIs accept them.
 */
import { describe, expect, it } from 'vitest';
import { mcpToolName } from '../../../src/agent/mcp/mcp-tool-name.ts';
import { validateConfig } from '../../../src/config/validate-config.ts';
import { ConfigError } from '../../../src/errors.ts';

/** The problems validateConfig reports for `servers`, as `path: message. Fix: fix` lines. */
function problems(servers: unknown): string[] {
  try {
    validateConfig({ mcp_servers: servers } as never);
  } catch (error) {
    if (error instanceof ConfigError)
      return error.issues.map((i) => `${i.path}: ${i.message}. Fix: ${i.fix}`);
    throw error;
  }
  return [];
}

describe('mcp_servers in config.yaml', () => {
  it('fills in the defaults', () => {
    const config = validateConfig({ mcp_servers: { files: { command: 'mcp-files' } } });
    expect(config.mcp_servers.files).toEqual({
      command: 'mcp-files',
      enabled: true,
      timeout_seconds: 60,
      require_approval: false,
    });
    expect(validateConfig({}).mcp_servers).toEqual({});
  });

  it('refuses an entry with neither command nor url, or with both', () => {
    expect(problems({ x: {} })).toEqual([
      expect.stringMatching(
        /^mcp_servers\.x\.command: is missing: a server needs a command .* or a url .*Fix: set command/,
      ),
    ]);
    expect(problems({ x: { command: 'a', url: 'http://127.0.0.1:1/mcp' } })).toEqual([
      expect.stringMatching(/^mcp_servers\.x\.url: is set together with command.*Fix: keep command/),
    ]);
  });

  it('refuses settings of the other kind of server', () => {
    expect(problems({ x: { url: 'http://127.0.0.1:1/mcp', args: ['a'], cwd: '/tmp' } })).toEqual([
      'mcp_servers.x.args: only applies to a server started with command. Fix: remove args, or replace url with the command that runs the server',
      'mcp_servers.x.cwd: only applies to a server started with command. Fix: remove cwd, or replace url with the command that runs the server',
    ]);
    expect(problems({ x: { command: 'a', headers: { A: 'b' } } })).toEqual([
      'mcp_servers.x.headers: only applies to a server reached by url. Fix: remove headers (a stdio server takes its settings through env)',
    ]);
  });

  it('names a misspelt key, a bad URL, a bad value and a bad server name', () => {
    expect(problems({ x: { comand: 'a', command: 'b' } })[0]).toMatch(
      /^mcp_servers\.x\.comand: is not a known key\. Fix: did you mean "command"\?/,
    );
    expect(problems({ x: { url: 'ftp://host/mcp' } })[0]).toMatch(
      /^mcp_servers\.x\.url: the text "ftp:\/\/host\/mcp" is not a valid http\(s\) URL/,
    );
    expect(problems({ x: { command: 'a', timeout_seconds: 0 } })[0]).toMatch(
      /^mcp_servers\.x\.timeout_seconds: must be greater than 0/,
    );
    expect(problems({ 'my server': { command: 'a' } })).toEqual([
      expect.stringMatching(
        /^mcp_servers\.my server: is not a usable MCP server name.*Fix: rename it, e\.g\. to my_server$/,
      ),
    ]);
  });
});

describe('MCP tool names', () => {
  it('joins server and tool with __ and replaces what the APIs refuse', () => {
    expect(mcpToolName('github', 'create_issue')).toBe('github__create_issue');
    expect(mcpToolName('my-server', 'files.read/v2')).toBe('my-server__files_read_v2');
  });

  it('cuts long names to 64 characters and keeps them apart', () => {
    const a = mcpToolName('server', `${'x'.repeat(70)}_a`);
    const b = mcpToolName('server', `${'x'.repeat(70)}_b`);
    for (const name of [a, b]) expect(name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(a).toHaveLength(64);
    expect(a).not.toBe(b);
  });
});
