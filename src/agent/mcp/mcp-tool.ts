/**
 * One MCP tool as an agent `Tool`: named `<server>__<tool>`, its input schema
 * as the parameters, its result flattened to text. A result the server marks
 * as an error becomes an error the model reads; a server with
 * `require_approval` asks the person in the chat before every call.
 */
import { AbortedError, McpError } from '../../errors.ts';
import type { Tool, ToolContext } from '../agent.ts';
import type { McpConnection, McpToolInfo } from './mcp-connection.ts';
import { resultText } from './mcp-result-text.ts';

/** How much of the arguments the approval prompt shows. */
const APPROVAL_ARGS_CHARS = 500;

/** The tool's input schema as function parameters (always an object schema). */
function parametersOf(info: McpToolInfo): Record<string, unknown> {
  const schema: Record<string, unknown> = { ...info.inputSchema };
  schema.type = 'object';
  if (typeof schema.properties !== 'object' || schema.properties === null) schema.properties = {};
  return schema;
}

/** The approval prompt's line: the tool's name and its arguments. */
function approvalCommand(name: string, args: Record<string, unknown>): string {
  const json = JSON.stringify(args);
  return `${name} ${json.length > APPROVAL_ARGS_CHARS ? `${json.slice(0, APPROVAL_ARGS_CHARS)}…` : json}`;
}

/**
 * Wraps tool `info` of a connected server as the agent tool `name`.
 *
 * @example
 * const tool = createMcpTool(connection, connection.tools[0], 'files__read');
 * await tool.execute({ path: 'a.txt' }, { signal, sessionKey });
 */
export function createMcpTool(connection: McpConnection, info: McpToolInfo, name: string): Tool {
  const server = connection.spec.name;
  return {
    name,
    description: info.description || info.title || `The ${info.name} tool of MCP server "${server}".`,
    parameters: parametersOf(info),
    async execute(args: Record<string, unknown>, ctx: ToolContext): Promise<string> {
      if (connection.spec.requireApproval) {
        const reason = `is a tool of MCP server "${server}", whose calls need approval`;
        if (!ctx.requestApproval) {
          return `[Call refused: ${name} ${reason}, and nobody can be asked here]`;
        }
        const approved = await ctx.requestApproval({ command: approvalCommand(name, args), reason });
        if (ctx.signal.aborted) throw new AbortedError();
        if (!approved) return `[Call denied: the user did not approve ${name}]`;
      }
      let result: Awaited<ReturnType<McpConnection['call']>>;
      try {
        result = await connection.call(info.name, args, ctx.signal);
      } catch (error) {
        if (ctx.signal.aborted) throw new AbortedError();
        throw new McpError(server, error instanceof Error ? error.message : String(error), { cause: error });
      }
      const text = resultText(result);
      if (result.isError)
        throw new McpError(server, text || 'the server reported an error without a message');
      return text === '' ? '(no output)' : text;
    },
  };
}
