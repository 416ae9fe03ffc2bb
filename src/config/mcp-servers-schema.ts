/**
 * The `mcp_servers` section of `config.yaml`: the MCP servers whose tools the
 * agent may call. Each entry is a stdio server (`command`, with `args`, `env`,
 * `cwd`) or a streamable HTTP server (`url`, with `headers`). One flat strict
 * object with a refinement (rather than a union) so every problem names its key.
 */
import { z } from 'zod';

/** What a server name may hold: it becomes the prefix of its tools' names (`<server>__<tool>`). */
export const MCP_SERVER_NAME = /^[A-Za-z0-9_-]{1,32}$/;

/** Default time limit of connecting to a server, listing its tools and one tool call, in seconds. */
export const MCP_DEFAULT_TIMEOUT_SECONDS = 60;

const ToolFilterSchema = z.strictObject({
  /** Only these tools of the server (its own names); absent: all of them. */
  include: z.array(z.string().min(1)).optional(),
  /** None of these tools of the server (its own names). */
  exclude: z.array(z.string().min(1)).optional(),
});

const McpServerSchema = z
  .strictObject({
    /** The program that runs a stdio server (e.g. `npx`, `uvx`, `/usr/local/bin/server`). */
    command: z.string().min(1).optional(),
    /** Its arguments. */
    args: z.array(z.string()).optional(),
    /** Variables added to the safe default environment (PATH, HOME, ...) of the program. */
    env: z.record(z.string(), z.string()).optional(),
    /** Its working directory (default: the gateway's). */
    cwd: z.string().min(1).optional(),
    /** The endpoint of a streamable HTTP server. */
    url: z.url({ protocol: /^https?$/ }).optional(),
    /** HTTP headers sent with every request (e.g. `Authorization`). */
    headers: z.record(z.string(), z.string()).optional(),
    /** False keeps the entry without connecting. */
    enabled: z.boolean().default(true),
    /** Time limit of connecting and listing the tools, and of one tool call. */
    timeout_seconds: z.number().positive().default(MCP_DEFAULT_TIMEOUT_SECONDS),
    /** Every call of this server's tools asks the person in the chat first (refused where nobody can be asked). */
    require_approval: z.boolean().default(false),
    /** Which of the server's tools the agent gets. */
    tools: ToolFilterSchema.optional(),
  })
  .superRefine((server, ctx) => {
    const stdio = server.command !== undefined;
    const http = server.url !== undefined;
    if (stdio === http) {
      ctx.addIssue({
        code: 'custom',
        path: stdio ? ['url'] : ['command'],
        message: stdio
          ? 'is set together with command: a server is either a program (command) or an HTTP endpoint (url)'
          : 'is missing: a server needs a command (a program speaking MCP over stdio) or a url (a streamable HTTP endpoint)',
        params: {
          fix: stdio
            ? 'keep command for a local program, or url for a remote server, and remove the other'
            : 'set command, e.g. `command: npx` with `args: [-y, @modelcontextprotocol/server-filesystem, /srv]`, or url, e.g. `url: http://127.0.0.1:3000/mcp`',
        },
      });
    }
    if (http) {
      for (const key of ['args', 'env', 'cwd'] as const) {
        if (server[key] === undefined) continue;
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'only applies to a server started with command',
          params: { fix: `remove ${key}, or replace url with the command that runs the server` },
        });
      }
    }
    if (stdio && server.headers !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['headers'],
        message: 'only applies to a server reached by url',
        params: { fix: 'remove headers (a stdio server takes its settings through env)' },
      });
    }
  });

/** Server name → its settings. */
export const McpServersSchema = z.record(z.string(), McpServerSchema).superRefine((servers, ctx) => {
  for (const name of Object.keys(servers)) {
    if (MCP_SERVER_NAME.test(name)) continue;
    ctx.addIssue({
      code: 'custom',
      path: [name],
      message:
        'is not a usable MCP server name: it prefixes the tool names, so it may hold only letters, digits, _ and - (at most 32)',
      params: {
        fix: `rename it, e.g. to ${name.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 32) || 'my_server'}`,
      },
    });
  }
});

/** One configured MCP server, with its defaults filled in. */
export type McpServerConfig = z.output<typeof McpServerSchema>;

/** The validated `mcp_servers` section. */
export type McpServersConfig = z.output<typeof McpServersSchema>;
