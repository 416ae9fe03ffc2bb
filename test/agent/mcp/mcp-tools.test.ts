/**
 * MCP servers as agent tools, against a real MCP server built with the official
 * SDK, over stdio (a child process) and streamable HTTP (loopback): the tools
 * are listed as `<server>__<tool>`, calls return text, an error result reaches
 * the model as an error, a broken server is skipped while the others work, and
 * an abort stops a slow call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tool, ToolContext } from '../../../src/agent/agent.ts';
import { McpManager } from '../../../src/agent/mcp/mcp-manager.ts';
import { runToolCall } from '../../../src/agent/tool-call-runner.ts';
import { validateConfig } from '../../../src/config/validate-config.ts';
import { AbortedError } from '../../../src/errors.ts';
import { type LogLine, recordingLogger } from '../../cron/cron-harness.ts';
import { cancelFile, eventually, stdioEntry } from './fixture-servers.ts';
import { type HttpFixture, startHttpFixture } from './fixtures/http-server.ts';

const TOKEN = 'fixture-token';

describe('MCP servers as agent tools', () => {
  let http: HttpFixture;
  let mcp: McpManager;
  const lines: LogLine[] = [];
  const log = recordingLogger(lines);
  const cancelled = cancelFile();

  beforeAll(async () => {
    http = await startHttpFixture(TOKEN);
    const config = validateConfig({
      mcp_servers: {
        local: stdioEntry({ FIXTURE_GREETING: 'hello from env', FIXTURE_CANCEL_FILE: cancelled.path }),
        remote: { url: http.url, headers: { Authorization: `Bearer ${TOKEN}` } },
        broken: { command: '/nonexistent/mcp-server-that-is-not-there' },
        off: { command: '/nonexistent/never-started', enabled: false },
      },
    });
    mcp = new McpManager({ servers: config.mcp_servers, log });
    await mcp.start();
  });
  afterAll(async () => {
    await mcp.close();
    await http.close();
    cancelled.remove();
  });

  const ctx = (signal = new AbortController().signal): ToolContext => ({ signal, sessionKey: 'test:dm:1' });
  const tool = (name: string): Tool => {
    const found = mcp.tools().find((t) => t.name === name);
    if (!found) throw new Error(`no tool ${name} in ${mcp.tools().map((t) => t.name)}`);
    return found;
  };

  it('lists every tool of both servers with its server as prefix, with the input schema as parameters', () => {
    const names = mcp.tools().map((t) => t.name);
    const fixtureTools = ['echo', 'fail', 'slow', 'picture', 'pid', 'env'];
    expect(names.sort()).toEqual(
      [...fixtureTools.map((t) => `local__${t}`), ...fixtureTools.map((t) => `remote__${t}`)].sort(),
    );
    expect(tool('local__echo').description).toBe('Echoes the text back');
    expect(tool('remote__echo').parameters).toMatchObject({
      type: 'object',
      properties: { text: { type: 'string' } },
      required: ['text'],
    });
    expect(tool('local__fail').parameters).toMatchObject({ type: 'object', properties: {} });
  });

  it('calls a tool over stdio and over HTTP and returns its text', async () => {
    expect(await tool('local__echo').execute({ text: 'hi' }, ctx())).toBe('echo: hi');
    expect(await tool('remote__echo').execute({ text: 'over http' }, ctx())).toBe('echo: over http');
    // the configured env reaches the stdio program
    expect(await tool('local__env').execute({}, ctx())).toBe('hello from env');
  });

  it('describes an image instead of passing its data', async () => {
    expect(await tool('remote__picture').execute({}, ctx())).toBe(
      'here it is\n\n[image: image/png, 16 bytes]',
    );
  });

  it('gives an error result to the model as an error text', async () => {
    const events: unknown[] = [];
    const outcome = await runToolCall(
      { id: 'c1', name: 'local__fail', arguments: '{}' },
      new Map(mcp.tools().map((t) => [t.name, t])),
      ctx(),
      (e) => events.push(e),
    );
    expect(outcome).toEqual({ ok: false, output: 'Error: local__fail failed: the disk is on fire' });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'tool.end', name: 'local__fail', ok: false }),
    );
  });

  it('reports a server whose command does not exist in one line and skips it; disabled servers are left alone', () => {
    const broken = mcp.status().find((s) => s.name === 'broken');
    expect(broken).toMatchObject({ tools: 0 });
    expect(broken?.error).toMatch(/MCP server "broken" did not start: .*ENOENT/);
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toMatch(/^MCP server "broken" skipped: .*ENOENT/);
    expect(mcp.status().map((s) => s.name)).not.toContain('off');
    expect(mcp.tools().some((t) => t.name.startsWith('broken__') || t.name.startsWith('off__'))).toBe(false);
  });

  it('stops a slow stdio call on abort, and the server hears of the cancellation', async () => {
    const controller = new AbortController();
    const call = tool('local__slow').execute({ label: 'stdio-1' }, ctx(controller.signal));
    setImmediate(() => controller.abort());
    await expect(call).rejects.toBeInstanceOf(AbortedError);
    await eventually(() => cancelled.read().includes('stdio-1'));
    // the connection still works afterwards
    expect(await tool('local__echo').execute({ text: 'still here' }, ctx())).toBe('echo: still here');
  });

  it('stops a slow HTTP call on abort', async () => {
    const controller = new AbortController();
    const call = runToolCall(
      { id: 'c2', name: 'remote__slow', arguments: '{"label":"http-1"}' },
      new Map(mcp.tools().map((t) => [t.name, t])),
      ctx(controller.signal),
      () => {},
    );
    setImmediate(() => controller.abort());
    await expect(call).rejects.toBeInstanceOf(AbortedError);
  });
});

describe('require_approval and tool filters', () => {
  let mcp: McpManager;
  beforeAll(async () => {
    const config = validateConfig({
      mcp_servers: {
        guarded: {
          ...stdioEntry(),
          require_approval: true,
          tools: { include: ['echo', 'env', 'fail'], exclude: ['fail'] },
        },
      },
    });
    mcp = new McpManager({ servers: config.mcp_servers });
    await mcp.start();
  });
  afterAll(() => mcp.close());

  const echo = () => mcp.tools().find((t) => t.name === 'guarded__echo') as Tool;

  it('gives the agent only the included tools that are not excluded', () => {
    expect(
      mcp
        .tools()
        .map((t) => t.name)
        .sort(),
    ).toEqual(['guarded__echo', 'guarded__env']);
  });

  it('asks before every call and refuses when the person denies', async () => {
    const asked: unknown[] = [];
    const deny = async (request: unknown) => {
      asked.push(request);
      return false;
    };
    const signal = new AbortController().signal;
    expect(await echo().execute({ text: 'rm all' }, { signal, sessionKey: 's', requestApproval: deny })).toBe(
      '[Call denied: the user did not approve guarded__echo]',
    );
    expect(asked).toEqual([
      {
        command: 'guarded__echo {"text":"rm all"}',
        reason: 'is a tool of MCP server "guarded", whose calls need approval',
      },
    ]);
    const approve = async () => true;
    expect(await echo().execute({ text: 'ok' }, { signal, sessionKey: 's', requestApproval: approve })).toBe(
      'echo: ok',
    );
  });

  it('refuses the call where nobody can be asked', async () => {
    const out = await echo().execute(
      { text: 'x' },
      { signal: new AbortController().signal, sessionKey: 's' },
    );
    expect(out).toBe(
      '[Call refused: guarded__echo is a tool of MCP server "guarded", whose calls need approval, and nobody can be asked here]',
    );
  });
});
