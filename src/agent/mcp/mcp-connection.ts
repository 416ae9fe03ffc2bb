/**
 * A live connection to one MCP server through the official SDK: starts the
 * program (stdio) or opens the endpoint (streamable HTTP), initializes, lists
 * the tools, and calls them. Connecting and listing share the server's time
 * limit; a failure becomes an `McpError` naming the server and the reason.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Tool as McpToolInfo } from '@modelcontextprotocol/sdk/types.js';
import { McpError } from '../../errors.ts';
import type { McpServerSpec } from './mcp-server-spec.ts';

export type { CallToolResult, McpToolInfo };

/** The product name and version the gateway introduces itself with. */
const CLIENT_INFO = { name: 'hermes-gateway', version: '0.1.0' };
/** How much of a stdio server's error output is kept to explain a failure. */
const STDERR_TAIL_CHARS = 2000;

/** A connected server with its tools. */
export interface McpConnection {
  readonly spec: McpServerSpec;
  /** Every tool the server listed (before the include/exclude filters). */
  readonly tools: readonly McpToolInfo[];
  /** Calls a tool; rejects on a protocol failure, the time limit or `signal`. */
  call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult>;
  /** Ends the connection (and the program of a stdio server). */
  close(): Promise<void>;
}

function transportOf(spec: McpServerSpec): { transport: Transport; stderrTail: () => string } {
  const t = spec.transport;
  if (t.kind === 'http') {
    return {
      transport: new StreamableHTTPClientTransport(new URL(t.url), { requestInit: { headers: t.headers } }),
      stderrTail: () => '',
    };
  }
  const transport = new StdioClientTransport({
    command: t.command,
    args: t.args,
    env: t.env,
    ...(t.cwd ? { cwd: t.cwd } : {}),
    stderr: 'pipe',
  });
  let tail = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
  });
  return { transport, stderrTail: () => tail.trim() };
}

/** A short reason from a thrown value, with what a stdio server printed to stderr. */
function reasonOf(error: unknown, stderr: string): string {
  const text = error instanceof Error ? error.message : String(error);
  const message =
    error instanceof StreamableHTTPError && error.code !== undefined ? `HTTP ${error.code}: ${text}` : text;
  const lastLine = stderr.split('\n').filter(Boolean).at(-1);
  return lastLine ? `${message} (stderr: ${lastLine})` : message;
}

/**
 * Connects to a server and lists its tools (every page), within `spec.timeoutMs`.
 * Rejects with `McpError` when the program cannot start, the endpoint cannot be
 * reached, or the server does not initialize or list its tools in time.
 *
 * @example
 * const connection = await connectMcpServer(serverSpec('files', { command: 'mcp-files', ... }));
 * const result = await connection.call('read', { path: 'a.txt' }, signal);
 */
export async function connectMcpServer(spec: McpServerSpec): Promise<McpConnection> {
  const { transport, stderrTail } = transportOf(spec);
  const client = new Client(CLIENT_INFO);
  const limit = { timeout: spec.timeoutMs, maxTotalTimeout: spec.timeoutMs };
  const fail = (error: unknown, what: string) =>
    new McpError(spec.name, `MCP server "${spec.name}" ${what}: ${reasonOf(error, stderrTail())}`, {
      cause: error,
    });
  const deadline = AbortSignal.timeout(spec.timeoutMs);
  try {
    await client.connect(transport, { ...limit, signal: deadline });
  } catch (error) {
    await client.close().catch(() => {});
    throw fail(error, 'did not start');
  }
  const tools: McpToolInfo[] = [];
  try {
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : {}, { ...limit, signal: deadline });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
  } catch (error) {
    await client.close().catch(() => {});
    throw fail(error, 'did not list its tools');
  }
  return {
    spec,
    tools,
    call: async (tool, args, signal) =>
      (await client.callTool({ name: tool, arguments: args }, undefined, {
        signal,
        timeout: spec.timeoutMs,
        maxTotalTimeout: spec.timeoutMs,
      })) as CallToolResult,
    close: () => client.close(),
  };
}
