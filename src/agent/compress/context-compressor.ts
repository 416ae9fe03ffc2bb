/**
 * Context compression: the model summarises a conversation up to its last
 * answer, and the summary is appended to the transcript as a `summary` entry.
 * Runs then start from the latest summary (see `activeEntries`); every older
 * entry stays in the store.
 */
import type { GatewayConfig } from '../../config/schema.ts';
import { errorText, type RuntimeLogger } from '../../log/runtime-logger.ts';
import type { Store, TranscriptEntry } from '../../persistence/store.ts';
import type { Agent, ChatMessage } from '../agent.ts';
import { estimateTokens } from './token-estimate.ts';
import { activeEntries, entryMessage } from './transcript-view.ts';

/** The instruction the model gets with the conversation to summarise. */
export const SUMMARY_INSTRUCTION =
  'Summarise the conversation below so that the summary can replace it as the context of the next turns. ' +
  'Keep every fact, decision, name, number, file path, open question and unfinished task, and what the user ' +
  'prefers; drop greetings and repetition. Write in the language of the conversation, without a preamble.';

/** The conversation to compress and the model to ask. */
export interface CompressionTarget {
  sessionKey: string;
  conversationId: string;
  /** The session's model (`/model`); default: the backend's configured model. */
  model?: string;
  /** The session's provider endpoint, when `/model` chose one. */
  endpoint?: { baseURL: string; apiKey?: string };
  signal?: AbortSignal;
}

/** What a compression did. */
export type CompressionOutcome =
  | {
      kind: 'compressed';
      /** Estimated tokens of the conversation a run saw before, and sees now. */
      before: number;
      after: number;
      /** Entries the summary stands for. */
      entries: number;
    }
  /** Nothing answered since the last summary: nothing to compress. */
  | { kind: 'nothing'; tokens: number }
  /** The backend cannot be asked for a summary (echo, exec). */
  | { kind: 'unsupported'; backend: string };

/** What the compressor needs. */
export interface ContextCompressorDeps {
  store: Store;
  agent: Agent;
  config: Pick<GatewayConfig, 'agent'>;
  log: RuntimeLogger;
}

/** Compresses conversations on request (`/compress`) and before runs that would not fit. */
export interface ContextCompressor {
  /** Whether the backend can summarise (only then does `compress` do anything). */
  readonly available: boolean;
  /** Summarises the conversation up to its last answer; rejects with `AgentError` when the model fails. */
  compress(target: CompressionTarget): Promise<CompressionOutcome>;
  /**
   * Whether a run with `tokens` estimated prompt tokens should compress first:
   * `agent.auto_compress` is on, the backend can summarise and the tokens exceed
   * `agent.context_window_tokens` × `agent.compress_threshold`.
   */
  shouldCompress(tokens: number): boolean;
  /** Like `compress`, but a failure is logged and answered with undefined (the run goes on uncompressed). */
  tryCompress(target: CompressionTarget): Promise<CompressionOutcome | undefined>;
}

/** The part of `entries` a summary covers: up to and including the last answer. */
function coveredPart(entries: TranscriptEntry[]): { covered: TranscriptEntry[]; kept: TranscriptEntry[] } {
  const last = entries.findLastIndex((e) => e.role === 'assistant');
  return { covered: entries.slice(0, last + 1), kept: entries.slice(last + 1) };
}

/** The covered entries as one text for the model. */
function conversationText(entries: TranscriptEntry[]): string {
  const label = { user: 'User', assistant: 'Assistant', system: 'Note', summary: 'Earlier summary' } as const;
  return entries.map((e) => `${label[e.role as keyof typeof label] ?? e.role}: ${e.content}`).join('\n\n');
}

/**
 * Creates the compressor of a gateway.
 *
 * @example
 * const compressor = createContextCompressor({ store, agent, config, log });
 * const outcome = await compressor.compress({ sessionKey, conversationId });
 * if (outcome.kind === 'compressed') say(`${outcome.before} → ${outcome.after} tokens`);
 */
export function createContextCompressor(deps: ContextCompressorDeps): ContextCompressor {
  const { store, agent, config, log } = deps;
  const complete = agent.complete?.bind(agent);

  async function compress(target: CompressionTarget): Promise<CompressionOutcome> {
    if (!complete) return { kind: 'unsupported', backend: agent.name };
    await store.flush();
    const entries = activeEntries(
      (await store.transcript.list(target.conversationId)).filter((e) => e.role !== 'tool'),
    );
    const before = estimateTokens(entries.map(entryMessage));
    const { covered, kept } = coveredPart(entries);
    if (!covered.some((e) => e.role === 'assistant')) return { kind: 'nothing', tokens: before };
    const messages: ChatMessage[] = [
      { role: 'system', content: SUMMARY_INSTRUCTION },
      { role: 'user', content: conversationText(covered) },
    ];
    const answer = await complete({
      messages,
      ...(target.model ? { model: target.model } : {}),
      ...(target.endpoint ? { endpoint: target.endpoint } : {}),
      ...(target.signal ? { signal: target.signal } : {}),
    });
    const summary = {
      sessionKey: target.sessionKey,
      conversationId: target.conversationId,
      role: 'summary' as const,
      content: answer.text.trim(),
      inputTokens: answer.usage.inputTokens,
      outputTokens: answer.usage.outputTokens,
      model: answer.model,
      inboxId: null,
    };
    await store.transcript.append(summary);
    const after = estimateTokens([
      entryMessage({ ...summary, id: 0, createdAt: 0 }),
      ...kept.map(entryMessage),
    ]);
    log.info({ sessionKey: target.sessionKey, before, after, entries: covered.length }, 'Context compressed');
    return { kind: 'compressed', before, after, entries: covered.length };
  }

  return {
    available: complete !== undefined,
    compress,
    shouldCompress(tokens) {
      const { auto_compress, context_window_tokens, compress_threshold } = config.agent;
      return auto_compress && complete !== undefined && tokens > context_window_tokens * compress_threshold;
    },
    async tryCompress(target) {
      try {
        return await compress(target);
      } catch (error) {
        log.warn({ sessionKey: target.sessionKey, err: errorText(error) }, 'Context compression failed');
        return undefined;
      }
    },
  };
}
