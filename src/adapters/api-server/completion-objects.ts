/**
 * The OpenAI response objects the API server answers with: the model list,
 * `chat.completion` and the `chat.completion.chunk` events of a stream.
 */

/** Identity shared by every object of one completion. */
export interface CompletionIdentity {
  /** The completion id (`chatcmpl-...` or the request's Idempotency-Key). */
  id: string;
  /** Unix seconds. */
  created: number;
  model: string;
}

/** Token counts; zeros when the gateway does not report them. */
export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** Usage reported when the gateway gives none. */
export const UNKNOWN_USAGE: CompletionUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };

/** OpenAI's usage object from the gateway's token counts. */
export function toCompletionUsage(usage: { inputTokens: number; outputTokens: number }): CompletionUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

/** `GET /v1/models`: the one model the gateway serves. */
export function modelList(modelName: string, created: number) {
  return {
    object: 'list' as const,
    data: [{ id: modelName, object: 'model' as const, created, owned_by: 'hermes' }],
  };
}

/** A finished, non-streamed answer. */
export function chatCompletion(
  identity: CompletionIdentity,
  content: string,
  usage: CompletionUsage = UNKNOWN_USAGE,
) {
  return {
    id: identity.id,
    object: 'chat.completion' as const,
    created: identity.created,
    model: identity.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content, refusal: null },
        logprobs: null,
        finish_reason: 'stop' as const,
      },
    ],
    usage,
  };
}

/** What a stream chunk's single choice carries. */
export interface ChunkDelta {
  role?: 'assistant';
  content?: string;
}

/** One streamed `chat.completion.chunk`. */
export function chatCompletionChunk(
  identity: CompletionIdentity,
  delta: ChunkDelta,
  finishReason: 'stop' | null = null,
) {
  return {
    id: identity.id,
    object: 'chat.completion.chunk' as const,
    created: identity.created,
    model: identity.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

/** The usage chunk sent last when the client asked for `stream_options.include_usage`. */
export function usageChunk(identity: CompletionIdentity, usage: CompletionUsage = UNKNOWN_USAGE) {
  return {
    id: identity.id,
    object: 'chat.completion.chunk' as const,
    created: identity.created,
    model: identity.model,
    choices: [],
    usage,
  };
}

/** Formats one server-sent event carrying `data`. */
export function sseEvent(data: unknown): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

/** The event that ends every stream. */
export const SSE_DONE = 'data: [DONE]\n\n';
