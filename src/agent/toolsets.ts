/**
 * Toolsets: the named list of tools a platform's sessions get (`hermes-<platform>`).
 * A toolset is a predicate over tool names, so it also filters tools that are
 * added later (MCP tools named `<server>__<tool>`, the backend's own tools).
 *
 * Defaults: every tool the agent has, terminal included. Headless platforms
 * (the API server) have no person reading the chat and lose `clarify`,
 * `send_message` and `text_to_speech`; the Home Assistant tools belong to the
 * `homeassistant` platform. `toolsets.<platform>` in config.yaml narrows or
 * widens that: `include` lists the only tools it gets, `exclude` removes tools.
 * List entries are tool names, `mcp` (every MCP tool), `mcp:<server>` (the
 * tools of one MCP server) or an MCP tool's full name `<server>__<tool>`.
 */

/** The Home Assistant tools (only the `homeassistant` platform gets them by default). */
export const HOME_ASSISTANT_TOOLS = [
  'ha_list_entities',
  'ha_get_state',
  'ha_call_service',
  'ha_list_services',
] as const;

/**
 * Every tool name a toolset list may name. A new built-in tool is added here,
 * or config lists naming it are refused.
 */
export const KNOWN_TOOLS = [
  'terminal',
  'process',
  'cronjob',
  'send_message',
  'clarify',
  'text_to_speech',
  ...HOME_ASSISTANT_TOOLS,
] as const;

/** Tools a headless platform (no person reading the chat) leaves out by default. */
export const HEADLESS_EXCLUDED_TOOLS = ['clarify', 'send_message', 'text_to_speech'] as const;

/** The group that stands for every MCP tool. */
export const MCP_GROUP = 'mcp';

/** The separator between an MCP server's name and its tool's name (`github__create_issue`). */
export const MCP_SEPARATOR = '__';

/** The platform name of the API server, and the config key that may stand for it. */
const API_PLATFORM = 'api';
const API_SERVER_KEY = 'api_server';

/** One platform's toolset settings (`toolsets.<platform>` in config.yaml). */
export interface ToolsetSettings {
  /** The only tools the platform gets (names, `mcp`, `mcp:<server>`). */
  include?: readonly string[] | undefined;
  /** Tools taken away (from the default, or from `include`). */
  exclude?: readonly string[] | undefined;
}

/** The tool list of one platform. */
export interface Toolset {
  /** `hermes-<platform>` (`hermes-api-server` for the API server). */
  name: string;
  /** Whether the platform's sessions get the tool of this name. */
  allows(toolName: string): boolean;
}

/** Whether a tool name is an MCP tool's (`<server>__<tool>`). */
export function isMcpTool(toolName: string): boolean {
  const at = toolName.indexOf(MCP_SEPARATOR);
  return at > 0 && at + MCP_SEPARATOR.length < toolName.length;
}

/**
 * What is wrong with an entry of a toolset list, or undefined when it names a
 * tool or a group.
 *
 * @example
 * toolEntryProblem('termnal') // 'is not a tool: known tools are terminal, process, ...'
 */
export function toolEntryProblem(entry: string): string | undefined {
  if ((KNOWN_TOOLS as readonly string[]).includes(entry) || entry === MCP_GROUP || isMcpTool(entry)) {
    return undefined;
  }
  if (entry.startsWith(`${MCP_GROUP}:`) && entry.length > MCP_GROUP.length + 1) return undefined;
  return `is not a tool: known tools are ${KNOWN_TOOLS.join(', ')}; MCP tools are named ${MCP_GROUP}, ${MCP_GROUP}:<server> or <server>${MCP_SEPARATOR}<tool>`;
}

/** Whether a list entry stands for the tool. */
function matches(entry: string, toolName: string): boolean {
  if (entry === toolName) return true;
  if (!isMcpTool(toolName)) return false;
  if (entry === MCP_GROUP) return true;
  return (
    entry.startsWith(`${MCP_GROUP}:`) &&
    toolName.startsWith(`${entry.slice(MCP_GROUP.length + 1)}${MCP_SEPARATOR}`)
  );
}

/** The toolset name of a platform. */
export function toolsetName(platform: string): string {
  return platform === API_PLATFORM ? 'hermes-api-server' : `hermes-${platform.replaceAll('_', '-')}`;
}

/** The settings of a platform in `toolsets` (the API server may be keyed `api` or `api_server`). */
export function toolsetSettingsOf(
  toolsets: Readonly<Record<string, ToolsetSettings>>,
  platform: string,
): ToolsetSettings | undefined {
  return toolsets[platform] ?? (platform === API_PLATFORM ? toolsets[API_SERVER_KEY] : undefined);
}

/** Whether the platform gets the tool when config.yaml says nothing. */
function inDefault(platform: string, headless: boolean, toolName: string): boolean {
  if (headless && (HEADLESS_EXCLUDED_TOOLS as readonly string[]).includes(toolName)) return false;
  if ((HOME_ASSISTANT_TOOLS as readonly string[]).includes(toolName)) return platform === 'homeassistant';
  return true;
}

/**
 * The toolset of a platform.
 *
 * @param platform the platform name (`telegram`, `api`, ...)
 * @param options `headless`: nobody reads the platform's chat (the API server); `settings`: `toolsets.<platform>`
 * @example
 * const toolset = toolsetFor('telegram', { settings: { exclude: ['terminal'] } });
 * toolset.allows('terminal'); // false
 * toolset.allows('github__create_issue'); // true
 */
export function toolsetFor(
  platform: string,
  options: { headless?: boolean; settings?: ToolsetSettings | undefined } = {},
): Toolset {
  const headless = options.headless ?? platform === API_PLATFORM;
  const { include, exclude = [] } = options.settings ?? {};
  return {
    name: toolsetName(platform),
    allows: (toolName) => {
      if (exclude.some((entry) => matches(entry, toolName))) return false;
      if (include) return include.some((entry) => matches(entry, toolName));
      return inDefault(platform, headless, toolName);
    },
  };
}
