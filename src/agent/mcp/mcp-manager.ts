/**
 * The MCP servers of the gateway: connects every enabled server in the
 * background at start, hands their tools to the runs (`tools()`), applies a
 * changed `mcp_servers` section without a restart (`reload()`) and closes the
 * connections at shutdown. A server that fails to start or list its tools is
 * logged in one line and skipped; the others work.
 */
import type { McpServersConfig } from '../../config/mcp-servers-schema.ts';
import { errorText, type RuntimeLogger, silentLogger } from '../../log/runtime-logger.ts';
import type { Tool } from '../agent.ts';
import { connectMcpServer, type McpConnection } from './mcp-connection.ts';
import { type McpServerSpec, sameSpec, serverSpecs, toolAllowed } from './mcp-server-spec.ts';
import { createMcpTool } from './mcp-tool.ts';
import { MAX_TOOL_NAME_LENGTH, mcpToolName } from './mcp-tool-name.ts';

/** One server after a connection attempt. */
export interface McpServerStatus {
  name: string;
  /** How many of its tools the agent gets (0 when it failed). */
  tools: number;
  /** Why it was skipped, when it failed. */
  error?: string;
}

/** What a reload changed. */
export interface McpReloadReport {
  /** Servers new in the configuration (or enabled again). */
  added: McpServerStatus[];
  /** Servers gone from the configuration (or disabled): closed. */
  removed: string[];
  /** Servers whose settings changed, or that had failed before: connected again. */
  reconnected: McpServerStatus[];
  /** Servers kept as they were. */
  unchanged: McpServerStatus[];
}

/** The MCP servers as the gateway and `/reload-mcp` use them. */
export interface McpTools {
  /** The tools of every connected server, for the next run. */
  tools(): Tool[];
  /** Every configured server with its tool count or failure. */
  status(): McpServerStatus[];
  /** Reads the configuration again and applies what changed. */
  reload(): Promise<McpReloadReport>;
  /** Connects the servers in the background; the gateway calls it when it starts. */
  start(): Promise<void>;
  /** Closes every connection; the gateway calls it when it stops. */
  close(): Promise<void>;
}

/** Options of the manager. */
export interface McpManagerOptions {
  /** The `mcp_servers` section the gateway starts with. */
  servers: McpServersConfig;
  log?: RuntimeLogger;
  /** Reads the current `mcp_servers` section (config.yaml) for `reload()`; throws `ConfigError` when it is invalid. */
  loadServers?: () => McpServersConfig;
}

/** One configured server and what connecting it gave. */
interface Entry {
  spec: McpServerSpec;
  connection?: McpConnection;
  error?: string;
  tools: Tool[];
}

/**
 * Connects the configured MCP servers and keeps their tools.
 *
 * @example
 * const mcp = new McpManager({ servers: config.mcp_servers, log, loadServers: () => loadConfig({ home }).mcp_servers });
 * void mcp.start(); // in the background: never holds up the gateway
 * const tools = mcp.tools(); // [{ name: 'files__read', ... }]
 * await mcp.close();
 */
export class McpManager implements McpTools {
  private readonly entries = new Map<string, Entry>();
  private readonly log: RuntimeLogger;
  private servers: McpServersConfig;
  /** Start, reloads and close run one after the other. */
  private queue: Promise<unknown> = Promise.resolve();
  private started: Promise<void> | undefined;
  private closed = false;

  private readonly options: McpManagerOptions;

  constructor(options: McpManagerOptions) {
    this.options = options;
    this.log = options.log ?? silentLogger;
    this.servers = options.servers;
  }

  /** Connects every enabled server, all at once; resolves when each has connected or failed. Never rejects. */
  start(): Promise<void> {
    this.started ??= this.serial(async () => {
      await Promise.all([...serverSpecs(this.servers).values()].map((spec) => this.connect(spec)));
    });
    return this.started;
  }

  tools(): Tool[] {
    return [...this.entries.values()].flatMap((entry) => entry.tools);
  }

  status(): McpServerStatus[] {
    return [...this.entries.values()].map((entry) => statusOf(entry));
  }

  /**
   * Applies `servers` (default: `loadServers()`): closes removed servers, connects
   * new ones, reconnects changed ones and those that had failed, keeps the rest.
   * Rejects when the configuration cannot be read (nothing changes then).
   */
  reload(servers?: McpServersConfig): Promise<McpReloadReport> {
    return this.serial(async () => {
      const next = servers ?? this.options.loadServers?.() ?? this.servers;
      this.servers = next;
      const wanted = serverSpecs(next);
      const report: McpReloadReport = { added: [], removed: [], reconnected: [], unchanged: [] };
      const work: Promise<void>[] = [];
      const handled = new Set<string>();
      for (const [name, entry] of [...this.entries]) {
        handled.add(name);
        const spec = wanted.get(name);
        if (spec && sameSpec(spec, entry.spec) && entry.connection) {
          report.unchanged.push(statusOf(entry));
          continue;
        }
        this.entries.delete(name);
        await entry.connection?.close().catch(() => {});
        if (!spec) report.removed.push(name);
        else work.push(this.connect(spec).then((status) => void report.reconnected.push(status)));
      }
      for (const spec of wanted.values()) {
        if (handled.has(spec.name)) continue;
        work.push(this.connect(spec).then((status) => void report.added.push(status)));
      }
      await Promise.all(work);
      const byName = (a: McpServerStatus, b: McpServerStatus) => a.name.localeCompare(b.name);
      report.added.sort(byName);
      report.reconnected.sort(byName);
      this.log.info(
        {
          added: report.added.map((s) => s.name),
          removed: report.removed,
          reconnected: report.reconnected.map((s) => s.name),
        },
        'MCP servers reloaded',
      );
      return report;
    });
  }

  /** Closes every connection (ends stdio servers); later starts and reloads do nothing. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue.catch(() => {});
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((entry) => entry.connection?.close().catch(() => {})));
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => {});
    return run;
  }

  /** Connects one server and records its tools, or logs why it was skipped. */
  private async connect(spec: McpServerSpec): Promise<McpServerStatus> {
    if (this.closed) return { name: spec.name, tools: 0, error: 'the gateway is stopping' };
    const entry: Entry = { spec, tools: [] };
    try {
      const connection = await connectMcpServer(spec);
      if (this.closed) {
        await connection.close().catch(() => {});
        return { name: spec.name, tools: 0, error: 'the gateway is stopping' };
      }
      entry.connection = connection;
      entry.tools = toolsOf(connection);
      this.log.info(
        { server: spec.name, tools: entry.tools.map((t) => t.name) },
        `MCP server "${spec.name}" connected with ${entry.tools.length} tools`,
      );
    } catch (error) {
      entry.error = errorText(error);
      this.log.warn(
        { server: spec.name, err: entry.error },
        `MCP server "${spec.name}" skipped: ${entry.error}`,
      );
    }
    this.entries.set(spec.name, entry);
    return statusOf(entry);
  }
}

function statusOf(entry: Entry): McpServerStatus {
  return {
    name: entry.spec.name,
    tools: entry.tools.length,
    ...(entry.error === undefined ? {} : { error: entry.error }),
  };
}

/** The allowed tools of a connection as agent tools, with unique names. */
function toolsOf(connection: McpConnection): Tool[] {
  const taken = new Set<string>();
  const tools: Tool[] = [];
  for (const info of connection.tools) {
    if (!toolAllowed(connection.spec, info.name)) continue;
    const base = mcpToolName(connection.spec.name, info.name);
    let name = base;
    for (let n = 2; taken.has(name); n++) {
      const suffix = `_${n}`;
      name = `${base.slice(0, MAX_TOOL_NAME_LENGTH - suffix.length)}${suffix}`;
    }
    taken.add(name);
    tools.push(createMcpTool(connection, info, name));
  }
  return tools;
}
