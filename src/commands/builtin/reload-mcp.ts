/**
 * /reload-mcp: reads config.yaml's `mcp_servers` again without a restart,
 * closes removed servers, connects new ones, reconnects changed ones (and those
 * that had failed) and answers what changed, with tool counts and failures.
 */
import type { McpReloadReport, McpServerStatus } from '../../agent/mcp/mcp-manager.ts';
import { errorText } from '../../log/runtime-logger.ts';
import type { CommandDefinition } from '../registry.ts';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `name (3 tools)`, or the reason it failed. */
function serverLine(status: McpServerStatus): string {
  return status.error === undefined
    ? `${status.name} (${plural(status.tools, 'tool')})`
    : `${status.name} — failed: ${status.error}`;
}

/** The answer of `/reload-mcp` for a reload's report. */
export function reloadMcpText(report: McpReloadReport): string {
  const lines: string[] = [];
  for (const s of report.added) lines.push(`${s.error === undefined ? '➕' : '⚠️'} added ${serverLine(s)}`);
  for (const name of report.removed) lines.push(`➖ removed ${name}`);
  for (const s of report.reconnected)
    lines.push(`${s.error === undefined ? '🔄' : '⚠️'} reconnected ${serverLine(s)}`);
  const kept = report.unchanged.map(serverLine);
  const all = [...report.added, ...report.reconnected, ...report.unchanged];
  const tools = all.reduce((sum, s) => sum + s.tools, 0);
  const connected = all.filter((s) => s.error === undefined).length;
  const summary = `${plural(connected, 'server')} connected, ${plural(tools, 'tool')} for the agent.`;
  if (lines.length === 0) {
    return all.length === 0
      ? 'MCP servers reloaded: none are configured (mcp_servers in config.yaml).'
      : `MCP servers reloaded: nothing changed. ${kept.join(', ')}. ${summary}`;
  }
  return [
    'MCP servers reloaded:',
    ...lines,
    ...(kept.length ? [`unchanged: ${kept.join(', ')}`] : []),
    summary,
  ].join('\n');
}

/** /reload-mcp: apply config.yaml's `mcp_servers` now. */
export const reloadMcpCommand: CommandDefinition = {
  name: 'reload-mcp',
  description: 'Reload the MCP servers from config.yaml',
  busyAllowed: true,
  async handler({ services }) {
    if (!services.mcp) return { text: 'MCP servers are not available in this gateway.' };
    try {
      return { text: reloadMcpText(await services.mcp.reload()) };
    } catch (error) {
      return { text: `⚠️ The MCP servers are unchanged: ${errorText(error)}` };
    }
  },
};
