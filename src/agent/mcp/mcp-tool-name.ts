/**
 * The agent-side name of an MCP tool: `<server>__<tool>`, reduced to what
 * OpenAI-compatible APIs accept as a function name (`^[a-zA-Z0-9_-]{1,64}$`).
 */
import { createHash } from 'node:crypto';

/** The longest function name OpenAI-compatible APIs accept. */
export const MAX_TOOL_NAME_LENGTH = 64;

/** Between the server's name and the tool's. */
export const MCP_NAME_SEPARATOR = '__';

/**
 * The name the model calls a server's tool by. Characters outside `[a-zA-Z0-9_-]`
 * become `_`; a name over 64 characters is cut and ends with a short hash of the
 * full name, so two long names stay apart.
 *
 * @example
 * mcpToolName('github', 'create.issue'); // 'github__create_issue'
 */
export function mcpToolName(server: string, tool: string): string {
  const full = `${server}${MCP_NAME_SEPARATOR}${tool}`.replace(/[^a-zA-Z0-9_-]/g, '_');
  if (full.length <= MAX_TOOL_NAME_LENGTH) return full;
  const hash = createHash('sha256').update(`${server}\u0000${tool}`).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX_TOOL_NAME_LENGTH - hash.length - 1)}_${hash}`;
}
