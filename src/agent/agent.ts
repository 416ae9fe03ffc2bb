/**
 * The agent interface: one shape for every backend (OpenAI-compatible chat
 * completions, a command-line agent, echo). The session machine only ever sees
 * the events a run emits and its final result.
 */

/** One message of a conversation as the agent sees it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** For assistant messages that called tools. */
  toolCalls?: ToolCall[];
  /** For `tool` messages: the call this answers. */
  toolCallId?: string;
  /** For `tool` messages: the tool's name. */
  name?: string;
  /** For `user` messages: the files the user sent with it. */
  attachments?: AgentAttachment[];
}

/**
 * A file a user sent, as the agent receives it. The gateway stored it at ingest;
 * backends read it from `path` (the OpenAI-compatible backend sends images as
 * `image_url` parts and inlines text files; the others describe it).
 */
export interface AgentAttachment {
  /**
   * What it is. An image from a platform that does not declare images, or a voice
   * note from one that does not declare voice, arrives as `file`.
   */
  kind: 'image' | 'file' | 'voice' | 'video';
  mimeType: string;
  /** The file's name (one is made up from the kind and type when the platform gave none). */
  fileName: string;
  sizeBytes?: number;
  /** Absolute path of the stored copy; absent when the gateway holds none (see `unavailable`). */
  path?: string;
  /** Why there is no copy: too large, the download failed, removed after the retention time. */
  unavailable?: string;
  /** A voice note whose transcript is the text of the message. */
  transcribed?: boolean;
}

/** A tool call requested by the model. */
export interface ToolCall {
  id: string;
  name: string;
  /** Arguments as the JSON text the model produced. */
  arguments: string;
}

/** Token usage of one run. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** Events a run emits while it works; they reach the session as events. */
export type AgentEvent =
  | { type: 'text.delta'; text: string }
  | { type: 'tool.start'; callId: string; name: string; arguments: string }
  | { type: 'tool.end'; callId: string; name: string; output: string; ok: boolean };

/** What a run returns when it finishes. */
export interface AgentResult {
  /** The final answer text. */
  text: string;
  usage: TokenUsage;
  /** The model that answered, when the backend knows it. */
  model?: string;
  /** Every message the run added after the input (assistant tool calls, tool results, final answer). */
  messages: ChatMessage[];
  /** The model's reasoning text, when the backend streams it. */
  reasoning?: string;
}

/** Context handed to a tool while it runs. */
export interface ToolContext {
  /** Aborted when the run is interrupted: the tool must stop promptly. */
  signal: AbortSignal;
  /** The session the run belongs to. */
  sessionKey: string;
  /**
   * Asks the person in the chat to approve a dangerous action; resolves true
   * when approved, false when denied or timed out. Absent where nobody can be
   * asked (the API server): dangerous actions are then refused.
   */
  requestApproval?: (request: ApprovalRequest) => Promise<boolean>;
  /**
   * Sends a message to the chat of the session, outside the run's reply: a
   * background process started by the tool reports its output and its end
   * with it, also after the run has ended. `key` names the message uniquely
   * (a repeated key is sent once). Absent where there is no chat to tell
   * (the API server, isolated runs).
   */
  notify?: (text: string, key?: string) => void;
  /**
   * Asks the person in the chat a question and waits for the answer; resolves
   * with the answer's text, or null when nobody answered in time or the run
   * was stopped. Absent where nobody can be asked (the API server, cron jobs).
   */
  clarify?: (request: ClarifyRequest) => Promise<string | null>;
  /** The id of the model's tool call being run (unique within the run). */
  callId?: string;
}

/** A question a tool asks the user. */
export interface ClarifyRequest {
  question: string;
  /** Answers to offer, shown as numbered lines. */
  choices?: string[];
}

/** What a tool asks the user to approve. */
export interface ApprovalRequest {
  /** The action, e.g. the shell command. */
  command: string;
  /** Why it needs approval. */
  reason: string;
}

/** A tool the agent may call. */
export interface Tool {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  /** Runs the tool; returns the text given back to the model. */
  execute(args: Record<string, unknown>, ctx: ToolContext): Promise<string>;
  /** Ends what the tool keeps running beyond a call (background processes); called when its agent closes. */
  close?(): Promise<void>;
}

/** One request to run the agent. */
export interface AgentRequest {
  /** The session key (stable per chat). */
  sessionKey: string;
  /** The conversation so far, ending with the new user message. */
  messages: ChatMessage[];
  /** Aborted on interrupt, `/stop` or shutdown. The run then rejects with `AbortedError`. */
  signal: AbortSignal;
  /** Receives deltas and tool events as they happen. */
  onEvent: (event: AgentEvent) => void;
  /** Per-session model override (`provider:model` or a model name). */
  model?: string;
  /**
   * Steering: returns (and consumes) the messages the user sent while the run
   * works. Backends with a tool loop call it after each batch of tool calls and
   * give the texts to the model as user messages; backends that cannot steer
   * never call it, and the gateway runs those messages as the next turn.
   */
  takeSteered?: () => string[];
  /** Passed to tools as `ToolContext.requestApproval`. */
  requestApproval?: (request: ApprovalRequest) => Promise<boolean>;
  /** Passed to tools as `ToolContext.notify`: a message to the session's chat, also after the run ended. */
  notify?: (text: string, key?: string) => void;
  /** Passed to tools as `ToolContext.clarify`. */
  clarify?: (request: ClarifyRequest) => Promise<string | null>;
  /**
   * The run's toolset: which tools, the backend's own and the run's, the model
   * is offered, by name (see `src/agent/toolsets.ts`). All of them when absent.
   */
  allowTools?: (toolName: string) => boolean;
  /** Another OpenAI-compatible endpoint for this run (a provider chosen with `/model`). */
  endpoint?: { baseURL: string; apiKey?: string };
  /** Reasoning effort for models that take one (`low`, `medium`, `high`; `none` sends nothing). */
  reasoningEffort?: string;
  /**
   * Tools for this run only, besides the backend's own (the `cronjob` tool bound to
   * this chat). Backends without a tool loop ignore them.
   */
  tools?: Tool[];
}

/** One plain completion without tools or streaming (context compression asks for a summary this way). */
export interface CompletionRequest {
  messages: ChatMessage[];
  /** The model to ask (the session's `/model` choice); default: the backend's configured model. */
  model?: string;
  /** Another OpenAI-compatible endpoint (a provider chosen with `/model`). */
  endpoint?: { baseURL: string; apiKey?: string };
  signal?: AbortSignal;
}

/** What a plain completion answered. */
export interface CompletionResult {
  text: string;
  usage: TokenUsage;
  /** The model that answered. */
  model: string;
}

/**
 * An agent backend.
 *
 * @example
 * const result = await agent.run({ sessionKey: 'api:dm:1', messages: [{ role: 'user', content: 'hi' }],
 *   signal: new AbortController().signal, onEvent: () => {} });
 */
export interface Agent {
  /** Backend name: `echo`, `openai`, `exec` or a custom one. */
  readonly name: string;
  /** Runs one turn. Rejects with `AbortedError` when the signal aborts, `AgentError` on failure. */
  run(request: AgentRequest): Promise<AgentResult>;
  /** Ends what the backend's tools keep running (background processes); the gateway calls it when it stops. */
  close?(): Promise<void>;
  /**
   * One plain completion with the backend's model, without tools or the system
   * prompt. Only backends that talk to a model have it (the OpenAI-compatible one);
   * context compression needs it.
   */
  complete?(request: CompletionRequest): Promise<CompletionResult>;
}
