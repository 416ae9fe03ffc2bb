/**
 * Agent backends and tools: the interface, the echo, OpenAI-compatible and exec
 * backends, the terminal tool and the process-group helper they share.
 */

export type {
  Agent,
  AgentAttachment,
  AgentEvent,
  AgentRequest,
  AgentResult,
  ChatMessage,
  TokenUsage,
  Tool,
  ToolCall,
  ToolContext,
} from './agent.ts';
export { attachmentsText, describeAttachment } from './attachment-parts.ts';
export { type AgentConfig, createAgent, DEFAULT_OPENAI_BASE_URL } from './create-agent.ts';
export { createEchoAgent } from './echo-agent.ts';
export { createExecAgent, type ExecAgentOptions } from './exec-agent.ts';
export { lastUserMessage, lastUserText } from './last-user-message.ts';
export {
  McpManager,
  type McpManagerOptions,
  type McpReloadReport,
  type McpServerStatus,
  type McpTools,
} from './mcp/mcp-manager.ts';
export { mcpToolName } from './mcp/mcp-tool-name.ts';
export { createOpenAIAgent, type OpenAIAgentOptions } from './openai-agent.ts';
export { toWireMessage, toWireTool } from './openai-wire.ts';
export {
  KILL_GRACE_MS,
  type ProcessGroupExit,
  type ProcessGroupOptions,
  type RunningProcessGroup,
  runInProcessGroup,
  type StopReason,
  signalProcessGroup,
} from './process-group.ts';
export { runToolCall, type ToolCallOutcome } from './tool-call-runner.ts';
export { createTerminalTool, type TerminalToolOptions } from './tools/terminal.ts';
export { type AudioInput, createTranscriber, type Transcriber } from './transcribe.ts';
