/**
 * The tools of isolated runs (background tasks, cron jobs): the MCP servers'
 * tools, and the toolset of the platform the run delivers to (`hermes-telegram`
 * for a job that reports to Telegram), which also filters the backend's own
 * tools. A run with no chat to deliver to gets the API server's toolset
 * (`hermes-api-server`: headless, `toolsets.api` / `toolsets.api_server`).
 * There is no `send_message`, `clarify` or `cronjob` in an isolated run.
 */
import type { IsolatedToolsFor } from '../actors/isolated-run.ts';
import type { McpTools } from '../agent/mcp/mcp-manager.ts';
import { toolsetFor, toolsetSettingsOf } from '../agent/toolsets.ts';
import { createToolsets, type RunToolDeps } from './run-tools.ts';

/** What isolated runs' tools need. */
export interface IsolatedToolDeps extends Omit<RunToolDeps, 'store'> {
  /** The MCP servers' tools (read at every run, so `/reload-mcp` applies to the next one). */
  mcp?: Pick<McpTools, 'tools'> | undefined;
}

/**
 * The tools and toolset of isolated runs, by the platform they deliver to.
 *
 * @example
 * const toolsFor = createIsolatedTools({ adapters, config, mcp });
 * await runIsolated({ ...run, ...toolsFor('telegram') });
 */
export function createIsolatedTools(deps: IsolatedToolDeps): IsolatedToolsFor {
  const toolsets = createToolsets(deps);
  const headless = toolsetFor('api', { settings: toolsetSettingsOf(deps.config.toolsets ?? {}, 'api') });
  return (platform) => ({
    tools: deps.mcp?.tools() ?? [],
    allowTools: platform === undefined ? headless.allows : toolsets(platform).allows,
  });
}
