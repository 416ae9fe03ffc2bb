/**
 * One MCP server as the gateway connects to it: the validated `mcp_servers`
 * entry turned into how to reach it (a program over stdio or an HTTP endpoint),
 * its limits and which of its tools the agent gets.
 */
import { isDeepStrictEqual } from 'node:util';
import type { McpServerConfig, McpServersConfig } from '../../config/mcp-servers-schema.ts';

/** How a server is reached. */
export type McpTransportSpec =
  | { kind: 'stdio'; command: string; args: string[]; env: Record<string, string>; cwd?: string }
  | { kind: 'http'; url: string; headers: Record<string, string> };

/** One enabled MCP server. */
export interface McpServerSpec {
  /** Its name in `mcp_servers`: the prefix of its tools' names. */
  name: string;
  transport: McpTransportSpec;
  /** Time limit of connecting and listing the tools, and of one tool call, in ms. */
  timeoutMs: number;
  /** Every call asks the person in the chat first. */
  requireApproval: boolean;
  /** Only these tools (absent: all). */
  include?: string[];
  /** None of these tools. */
  exclude?: string[];
}

/** The spec of one configured server. */
export function serverSpec(name: string, config: McpServerConfig): McpServerSpec {
  const transport: McpTransportSpec = config.url
    ? { kind: 'http', url: config.url, headers: config.headers ?? {} }
    : {
        kind: 'stdio',
        command: config.command ?? '',
        args: config.args ?? [],
        env: config.env ?? {},
        ...(config.cwd ? { cwd: config.cwd } : {}),
      };
  return {
    name,
    transport,
    timeoutMs: config.timeout_seconds * 1000,
    requireApproval: config.require_approval,
    ...(config.tools?.include ? { include: config.tools.include } : {}),
    ...(config.tools?.exclude ? { exclude: config.tools.exclude } : {}),
  };
}

/**
 * The enabled servers of an `mcp_servers` section, by name.
 *
 * @example
 * const specs = serverSpecs(config.mcp_servers); // Map { 'files' => { transport: { kind: 'stdio', ... } } }
 */
export function serverSpecs(servers: McpServersConfig): Map<string, McpServerSpec> {
  const specs = new Map<string, McpServerSpec>();
  for (const [name, config] of Object.entries(servers)) {
    if (config.enabled) specs.set(name, serverSpec(name, config));
  }
  return specs;
}

/** True when two specs connect the same way with the same settings (a reload keeps the connection). */
export function sameSpec(a: McpServerSpec, b: McpServerSpec): boolean {
  return isDeepStrictEqual(a, b);
}

/** Whether the agent gets the server's tool `tool` (its own name) under the include/exclude filters. */
export function toolAllowed(spec: McpServerSpec, tool: string): boolean {
  if (spec.include && !spec.include.includes(tool)) return false;
  return !spec.exclude?.includes(tool);
}
