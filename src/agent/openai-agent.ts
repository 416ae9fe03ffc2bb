/**
 * The OpenAI-compatible backend: streams Chat Completions from any server that
 * speaks the OpenAI wire format (OpenAI, OpenRouter, vLLM, llama.cpp, Ollama,
 * ...) and runs the tools the model calls until it answers.
 */

import OpenAI, { APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { AbortedError, AgentError } from '../errors.ts';
import type {
  Agent,
  AgentRequest,
  AgentResult,
  ChatMessage,
  CompletionRequest,
  CompletionResult,
  TokenUsage,
  Tool,
  ToolCall,
} from './agent.ts';
import { toWireMessage, toWireMessageWithFiles, toWireTool } from './openai-wire.ts';
import { runToolCall } from './tool-call-runner.ts';

/** Options of the OpenAI-compatible backend. */
export interface OpenAIAgentOptions {
  /** Base URL of the API, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8080/v1`. */
  baseURL: string;
  /**
   * API key sent as a bearer token. Falls back to `OPENAI_API_KEY`; local servers
   * that need no key get a placeholder.
   */
  apiKey?: string;
  /** Model name sent with each request, unless the request names its own. */
  model: string;
  /** Tools the model may call. */
  tools?: Tool[];
  /** System prompt put before the conversation. */
  systemPrompt?: string;
  /** The most rounds of tool calls in one run (default 8); the run then stops with a note. */
  maxToolRounds?: number;
  /** Time limit of one model request in milliseconds (the SDK's default when absent). */
  timeoutMs?: number;
  /** How often a failed request (connection error, 408, 409, 429, 5xx) is retried (default 2). */
  maxRetries?: number;
  /** How much of an attached text file is put into the prompt, in bytes (default 100 kB; the rest is cut with a note). */
  inlineTextBytes?: number;
}

const DEFAULT_MAX_TOOL_ROUNDS = 8;

/** What one streamed model response held. */
interface ModelTurn {
  text: string;
  reasoning: string;
  toolCalls: ToolCall[];
  usage: TokenUsage;
  model: string | undefined;
}

/**
 * Creates the OpenAI-compatible agent. A run streams the model's answer as
 * `text.delta` events; when the model calls tools, they run one after the other
 * (`tool.start` / `tool.end`), their results go back to the model and it is asked
 * again, until it answers without tool calls or `maxToolRounds` is reached.
 * Aborting the request signal stops the model request and the running tool and
 * rejects with `AbortedError`; an HTTP or network failure rejects with `AgentError`.
 *
 * @example
 * const agent = createOpenAIAgent({ baseURL: 'http://127.0.0.1:11434/v1', model: 'llama3.1',
 *   tools: [createTerminalTool()] });
 */
export function createOpenAIAgent(options: OpenAIAgentOptions): Agent {
  const clients = new Map<string, OpenAI>();
  /** One SDK client per endpoint: the configured one, or a provider chosen with `/model`. */
  const clientFor = (endpoint?: { baseURL: string; apiKey?: string }) => {
    const baseURL = endpoint?.baseURL ?? options.baseURL;
    const apiKey = (endpoint ? endpoint.apiKey : options.apiKey) ?? process.env.OPENAI_API_KEY ?? 'no-key';
    const key = `${baseURL}\u0000${apiKey}`;
    let client = clients.get(key);
    if (!client) {
      client = new OpenAI({
        baseURL,
        apiKey,
        timeout: options.timeoutMs,
        maxRetries: options.maxRetries ?? 2,
      });
      clients.set(key, client);
    }
    return client;
  };
  const baseTools = new Map((options.tools ?? []).map((tool) => [tool.name, tool]));
  const baseWireTools = [...baseTools.values()].map(toWireTool);
  /** The backend's tools plus the run's own, as far as the run's toolset allows them. */
  const toolsOf = (request: AgentRequest) => {
    const allow = request.allowTools;
    if (!request.tools?.length && !allow) return { tools: baseTools, wireTools: baseWireTools };
    const all = [...baseTools, ...(request.tools ?? []).map((t) => [t.name, t] as const)];
    const tools = new Map(allow ? all.filter(([name]) => allow(name)) : all);
    return { tools, wireTools: [...tools.values()].map(toWireTool) };
  };
  const maxToolRounds = options.maxToolRounds ?? DEFAULT_MAX_TOOL_ROUNDS;

  async function streamTurn(
    model: string,
    messages: ChatCompletionMessageParam[],
    request: AgentRequest,
    round: number,
  ): Promise<ModelTurn> {
    const turn: ModelTurn = {
      text: '',
      reasoning: '',
      toolCalls: [],
      usage: { inputTokens: 0, outputTokens: 0 },
      model: undefined,
    };
    const calls: ToolCall[] = [];
    const effort = request.reasoningEffort;
    const { wireTools } = toolsOf(request);
    try {
      const stream = await clientFor(request.endpoint).chat.completions.create(
        {
          model,
          messages,
          stream: true,
          stream_options: { include_usage: true },
          ...(wireTools.length > 0 ? { tools: wireTools } : {}),
          ...(effort && effort !== 'none' ? { reasoning_effort: effort as 'low' | 'medium' | 'high' } : {}),
        },
        { signal: request.signal },
      );
      for await (const chunk of stream) {
        if (chunk.model) turn.model = chunk.model;
        if (chunk.usage) {
          turn.usage.inputTokens += chunk.usage.prompt_tokens ?? 0;
          turn.usage.outputTokens += chunk.usage.completion_tokens ?? 0;
        }
        const delta = chunk.choices?.[0]?.delta; // Some servers omit `choices` on usage chunks.
        if (!delta) continue;
        // reasoning text, as OpenAI-compatible servers stream it (DeepSeek, vLLM, llama.cpp, OpenRouter)
        const thinking =
          (delta as { reasoning_content?: string; reasoning?: string }).reasoning_content ??
          (delta as { reasoning?: string }).reasoning;
        if (typeof thinking === 'string') turn.reasoning += thinking;
        if (delta.content) {
          turn.text += delta.content;
          request.onEvent({ type: 'text.delta', text: delta.content });
        }
        for (const fragment of delta.tool_calls ?? []) {
          const call = calls[fragment.index] ?? { id: '', name: '', arguments: '' };
          calls[fragment.index] = call;
          if (fragment.id) call.id = fragment.id;
          if (fragment.function?.name) call.name ||= fragment.function.name;
          if (fragment.function?.arguments) call.arguments += fragment.function.arguments;
        }
      }
    } catch (err) {
      throw toRunError(err, request.signal, request.endpoint?.baseURL ?? options.baseURL, model);
    }
    // The SDK ends an aborted stream quietly instead of throwing.
    if (request.signal.aborted) throw new AbortedError();
    turn.toolCalls = calls
      .filter((call) => call !== undefined)
      .map((call, index) => ({ ...call, id: call.id || `call_${round}_${index}` }));
    return turn;
  }

  return {
    name: 'openai',
    async run(request: AgentRequest): Promise<AgentResult> {
      if (request.signal.aborted) throw new AbortedError();
      const model = request.model ?? options.model;
      const files = { inlineTextBytes: options.inlineTextBytes };
      const wire: ChatCompletionMessageParam[] = [
        ...(options.systemPrompt ? [{ role: 'system' as const, content: options.systemPrompt }] : []),
        ...(await Promise.all(request.messages.map((m) => toWireMessageWithFiles(m, files)))),
      ];
      const added: ChatMessage[] = [];
      const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
      let answeredBy: string | undefined;
      let reasoning = '';
      const add = (message: ChatMessage): void => {
        added.push(message);
        wire.push(toWireMessage(message));
      };
      const finish = (text: string): AgentResult => {
        add({ role: 'assistant', content: text });
        return {
          text,
          usage,
          model: answeredBy ?? model,
          messages: added,
          ...(reasoning ? { reasoning } : {}),
        };
      };

      for (let round = 0; ; round++) {
        const turn = await streamTurn(model, wire, request, round);
        reasoning += turn.reasoning;
        usage.inputTokens += turn.usage.inputTokens;
        usage.outputTokens += turn.usage.outputTokens;
        answeredBy = turn.model ?? answeredBy;

        if (turn.toolCalls.length === 0) return finish(turn.text);
        if (round >= maxToolRounds) {
          // The calls of this response are not run, so the history keeps no unanswered call.
          const note = `⚠️ Stopped after ${maxToolRounds} rounds of tool calls without a final answer. Send a message to let me continue.`;
          const separator = turn.text === '' ? '' : '\n\n';
          request.onEvent({ type: 'text.delta', text: separator + note });
          return finish(turn.text + separator + note);
        }

        add({ role: 'assistant', content: turn.text, toolCalls: turn.toolCalls });
        const cancelled = (from: number) =>
          new AbortedError(
            'The run was interrupted',
            turn.toolCalls.slice(from).map((c) => `${c.name}#${c.id}`),
          );
        for (const [index, call] of turn.toolCalls.entries()) {
          if (request.signal.aborted) throw cancelled(index);
          const ctx = {
            signal: request.signal,
            sessionKey: request.sessionKey,
            callId: call.id,
            ...(request.requestApproval ? { requestApproval: request.requestApproval } : {}),
            ...(request.notify ? { notify: request.notify } : {}),
            ...(request.clarify ? { clarify: request.clarify } : {}),
          };
          const outcome = await runToolCall(call, toolsOf(request).tools, ctx, request.onEvent);
          if (request.signal.aborted) throw cancelled(index + 1);
          add({ role: 'tool', content: outcome.output, toolCallId: call.id, name: call.name });
        }
        // Steering: messages the user sent meanwhile reach the model after this batch of tool calls.
        for (const text of request.takeSteered?.() ?? []) add({ role: 'user', content: text });
      }
    },
    async close() {
      await Promise.all([...baseTools.values()].map((tool) => tool.close?.()));
    },
    async complete(request: CompletionRequest): Promise<CompletionResult> {
      const model = request.model ?? options.model;
      const signal = request.signal ?? new AbortController().signal;
      try {
        const answer = await clientFor(request.endpoint).chat.completions.create(
          { model, messages: request.messages.map(toWireMessage) },
          { signal },
        );
        return {
          text: answer.choices[0]?.message.content ?? '',
          usage: {
            inputTokens: answer.usage?.prompt_tokens ?? 0,
            outputTokens: answer.usage?.completion_tokens ?? 0,
          },
          model: answer.model || model,
        };
      } catch (err) {
        throw toRunError(err, signal, request.endpoint?.baseURL ?? options.baseURL, model);
      }
    },
  };
}

/** Maps an SDK failure to the gateway's coded errors. */
function toRunError(err: unknown, signal: AbortSignal, baseURL: string, model: string): Error {
  if (signal.aborted || err instanceof APIUserAbortError) return new AbortedError();
  if (err instanceof APIError) {
    const status = err.status;
    const where = status === undefined ? '' : ` (HTTP ${status})`;
    return new AgentError(
      `The model request to ${baseURL} failed${where}: ${err.message}`,
      { status, baseURL, model },
      { cause: err },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new AgentError(
    `The model request to ${baseURL} failed: ${message}`,
    { baseURL, model },
    { cause: err },
  );
}
