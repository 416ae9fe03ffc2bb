/**
 * Builds the agent backend named by the `agent` section of the configuration.
 */

import type { CheckpointStore } from '../checkpoints/checkpoint-store.ts';
import { CheckpointTurns, withCheckpoint, withTurnSummaries } from '../checkpoints/checkpointing-tool.ts';
import { ConfigError } from '../errors.ts';
import type { Agent, Tool } from './agent.ts';
import { createEchoAgent } from './echo-agent.ts';
import { createExecAgent } from './exec-agent.ts';
import { createOpenAIAgent } from './openai-agent.ts';
import { type BackgroundNotificationMode, BackgroundProcesses } from './tools/background-processes.ts';
import { createProcessTool } from './tools/process.ts';
import { createTerminalTool } from './tools/terminal.ts';

/** The `agent` section of the configuration. */
export interface AgentConfig {
  /** Which backend answers: `echo`, `openai` (any OpenAI-compatible server) or `exec` (a command-line agent). */
  backend: 'echo' | 'openai' | 'exec';
  /** Model name for the `openai` backend (required there). */
  model?: string;
  /** API base URL for the `openai` backend (default `https://api.openai.com/v1`). */
  base_url?: string;
  /** API key for the `openai` backend (default: `OPENAI_API_KEY`). */
  api_key?: string;
  /** Command line for the `exec` backend (required there). */
  command?: string;
  /** System prompt for the `openai` backend. */
  system_prompt?: string;
  /** The most rounds of tool calls per run for the `openai` backend (default 8). */
  max_tool_rounds?: number;
  /** Time limit in seconds: of one model request (`openai`) or of one run (`exec`). */
  timeout_seconds?: number;
  /** The terminal tool of the `openai` backend. */
  terminal?: {
    /** Default true. */
    enabled?: boolean;
    /** Default time limit of one command in seconds (default 180). */
    timeout_seconds?: number;
  };
}

/** Settings from outside the `agent` section that shape the agent's tools. */
export interface AgentToolSettings {
  /** What background processes tell their chat (`display.background_process_notifications`, default `all`). */
  backgroundNotifications?: BackgroundNotificationMode;
  /** File-system checkpoints taken before the first terminal command of a turn (`/rollback`). */
  checkpoints?: CheckpointStore;
  /** Told when a checkpoint could not be taken (the command still runs). */
  onCheckpointFailure?: (error: unknown) => void;
}

/** Base URL used by the `openai` backend when none is configured. */
export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

/**
 * Creates the configured agent backend. The `openai` backend gets the terminal
 * tool (with background commands) and the `process` tool unless
 * `terminal.enabled` is false; `agent.close()` ends its background processes.
 * Throws `ConfigError` naming the key and the fix when a required setting is missing.
 *
 * @example
 * const agent = createAgent({ backend: 'openai', base_url: 'http://127.0.0.1:8080/v1', model: 'qwen3' },
 *   { backgroundNotifications: config.display.background_process_notifications });
 */
export function createAgent(config: AgentConfig, toolSettings: AgentToolSettings = {}): Agent {
  const timeoutMs = config.timeout_seconds === undefined ? undefined : config.timeout_seconds * 1000;
  switch (config.backend) {
    case 'echo':
      return createEchoAgent();
    case 'exec':
      if (!config.command) {
        throw new ConfigError([
          {
            path: 'agent.command',
            message: 'the exec backend needs the command line of the agent to run',
            fix: 'set agent.command, e.g. `command: my-agent --stdin`, or choose another agent.backend',
          },
        ]);
      }
      return createExecAgent({ command: config.command, timeoutMs });
    case 'openai': {
      if (!config.model) {
        throw new ConfigError([
          {
            path: 'agent.model',
            message: 'the openai backend needs a model name',
            fix: 'set agent.model, e.g. `model: gpt-4o-mini`',
          },
        ]);
      }
      const tools: Tool[] = [];
      const { checkpoints } = toolSettings;
      const turns = new CheckpointTurns();
      if (config.terminal?.enabled ?? true) {
        const terminalSeconds = config.terminal?.timeout_seconds;
        const background = new BackgroundProcesses({ mode: toolSettings.backgroundNotifications ?? 'all' });
        const terminal = createTerminalTool({
          ...(terminalSeconds === undefined ? {} : { timeoutMs: terminalSeconds * 1000 }),
          ...(checkpoints ? { cwd: checkpoints.workDir } : {}),
          background,
        });
        tools.push(
          checkpoints?.enabled
            ? withCheckpoint(terminal, checkpoints, turns, toolSettings.onCheckpointFailure)
            : terminal,
          createProcessTool(background),
        );
      }
      const agent = createOpenAIAgent({
        baseURL: config.base_url ?? DEFAULT_OPENAI_BASE_URL,
        apiKey: config.api_key,
        model: config.model,
        tools,
        systemPrompt: config.system_prompt,
        maxToolRounds: config.max_tool_rounds,
        timeoutMs,
      });
      return checkpoints?.enabled ? withTurnSummaries(agent, turns) : agent;
    }
    default:
      throw new ConfigError([
        {
          path: 'agent.backend',
          message: `unknown backend "${String((config as { backend: unknown }).backend)}"`,
          fix: 'set agent.backend to echo, openai or exec',
        },
      ]);
  }
}
