/**
 * /reload-mcp: after config.yaml's `mcp_servers` changed, the command closes
 * removed servers, connects new ones, reconnects changed ones and answers what
 * changed; an invalid file changes nothing; only admins may run it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { McpManager } from '../../../src/agent/mcp/mcp-manager.ts';
import { configPath, loadConfig } from '../../../src/config/load-config.ts';
import { fakeServices, say } from '../../commands/fake-services.ts';
import { stdioEntry } from './fixture-servers.ts';
import { type HttpFixture, startHttpFixture } from './fixtures/http-server.ts';

const TOKEN = 'reload-token';

describe('/reload-mcp', () => {
  let home: string;
  let http: HttpFixture;
  let mcp: McpManager;
  const write = (servers: unknown) => writeFileSync(configPath(home), stringify({ mcp_servers: servers }));
  const load = () => loadConfig({ home, env: {} }).mcp_servers;
  const names = () => mcp.tools().map((t) => t.name.split('__')[0]);

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'hermes-mcp-reload-'));
    http = await startHttpFixture(TOKEN);
    write({ a: stdioEntry() });
    mcp = new McpManager({ servers: load(), loadServers: load });
    await mcp.start();
  });
  afterAll(async () => {
    await mcp.close();
    await http.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('answers that nothing changed when config.yaml is the same', async () => {
    const fake = await fakeServices({ mcp });
    expect(await say(fake, '/reload-mcp')).toBe(
      'MCP servers reloaded: nothing changed. a (6 tools). 1 server connected, 6 tools for the agent.',
    );
  });

  it('connects added servers, closes removed ones and reports failures', async () => {
    write({
      b: { url: http.url, headers: { Authorization: `Bearer ${TOKEN}` } },
      c: { command: '/nonexistent/mcp-server' },
    });
    const text = (await say(await fakeServices({ mcp }), '/reload-mcp')) ?? '';
    const lines = text.split('\n');
    expect(lines[0]).toBe('MCP servers reloaded:');
    expect(lines[1]).toBe('➕ added b (6 tools)');
    expect(lines[2]).toMatch(/^⚠️ added c — failed: MCP server "c" did not start: .*ENOENT/);
    expect(lines.slice(3)).toEqual(['➖ removed a', '1 server connected, 6 tools for the agent.']);
    expect(new Set(names())).toEqual(new Set(['b']));
  });

  it('reconnects a server whose settings changed', async () => {
    write({
      b: { url: http.url, headers: { Authorization: 'Bearer wrong' } },
      c: { command: '/nonexistent/mcp-server' },
    });
    const refused = (await say(await fakeServices({ mcp }), '/reload-mcp')) ?? '';
    const lines = refused.split('\n');
    expect(lines[1]).toMatch(
      /^⚠️ reconnected b — failed: MCP server "b" did not start: HTTP 401: .*unauthorized/,
    );
    // a server that had failed is tried again
    expect(lines[2]).toMatch(/^⚠️ reconnected c — failed: MCP server "c" did not start: .*ENOENT/);
    expect(lines[3]).toBe('0 servers connected, 0 tools for the agent.');
    expect(names()).toEqual([]);

    write({ b: { url: http.url, headers: { Authorization: `Bearer ${TOKEN}` } } });
    expect(await say(await fakeServices({ mcp }), '/reload-mcp')).toBe(
      [
        'MCP servers reloaded:',
        '➖ removed c',
        '🔄 reconnected b (6 tools)',
        '1 server connected, 6 tools for the agent.',
      ].join('\n'),
    );
    expect(new Set(names())).toEqual(new Set(['b']));
  });

  it('keeps the servers when config.yaml is invalid, and names the key and the fix', async () => {
    write({ b: { url: http.url, command: 'also-a-program' } });
    const text = await say(await fakeServices({ mcp }), '/reload-mcp');
    expect(text).toContain('⚠️ The MCP servers are unchanged: Invalid configuration:');
    expect(text).toContain('mcp_servers.b.url: is set together with command');
    expect(text).toContain('Fix: keep command for a local program, or url for a remote server');
    expect(new Set(names())).toEqual(new Set(['b']));
  });

  it('is admin-only where tiers are on', async () => {
    write({ b: { url: http.url, headers: { Authorization: `Bearer ${TOKEN}` } } });
    const fake = await fakeServices({
      mcp,
      config: { gateway: { platforms: { telegram: { extra: { allow_admin_from: '1' } } } } },
    });
    expect(await say(fake, '/reload-mcp', { message: { userId: '42' } })).toMatch(
      /^⛔ \/reload-mcp is admin-only here/,
    );
    expect(await say(fake, '/reload-mcp', { message: { userId: '1' } })).toMatch(/^MCP servers reloaded/);
  });
});
