/**
 * Takes a checkpoint lazily, just before the first file-changing tool call of a
 * turn: the agent is wrapped to remember each turn's user message (keyed by the
 * run's AbortSignal, which is one per turn), and the `terminal` tool is wrapped
 * to record the working directory before its first call of that turn.
 */
import type { Agent, Tool } from '../agent/agent.ts';
import { lastUserText } from '../agent/last-user-message.ts';
import type { CheckpointStore } from './checkpoint-store.ts';

/** The turns in flight: their user message, and whether a checkpoint was taken. */
export class CheckpointTurns {
  readonly #summaries = new WeakMap<AbortSignal, string>();
  readonly #taken = new WeakSet<AbortSignal>();

  /** Remembers the user message of the turn whose run has `signal`. */
  begin(signal: AbortSignal, summary: string): void {
    this.#summaries.set(signal, summary);
  }

  /** The turn's user message ('' when unknown). */
  summaryOf(signal: AbortSignal): string {
    return this.#summaries.get(signal) ?? '';
  }

  /** True the first time it is asked for a turn, false afterwards. */
  claim(signal: AbortSignal): boolean {
    if (this.#taken.has(signal)) return false;
    this.#taken.add(signal);
    return true;
  }
}

/** Logs a checkpoint that could not be taken (the tool call still runs). */
export type CheckpointFailure = (error: unknown) => void;

/**
 * Wraps a tool so that its first call of a turn takes a checkpoint first.
 *
 * @example
 * const terminal = withCheckpoint(createTerminalTool(), store, turns, (err) => log.warn({ err }, 'no checkpoint'));
 */
export function withCheckpoint(
  tool: Tool,
  store: CheckpointStore,
  turns: CheckpointTurns,
  onFailure: CheckpointFailure = () => {},
): Tool {
  return {
    ...tool,
    async execute(args, ctx) {
      if (store.enabled && turns.claim(ctx.signal)) {
        try {
          await store.take(ctx.sessionKey, turns.summaryOf(ctx.signal));
        } catch (err) {
          onFailure(err);
        }
      }
      return tool.execute(args, ctx);
    },
  };
}

/**
 * Wraps an agent so each run's user message is known to the checkpointing tools.
 *
 * @example
 * const agent = withTurnSummaries(createOpenAIAgent({ ... }), turns);
 */
export function withTurnSummaries(agent: Agent, turns: CheckpointTurns): Agent {
  return {
    name: agent.name,
    run(request) {
      turns.begin(request.signal, lastUserText(request.messages));
      return agent.run(request);
    },
    ...(agent.close ? { close: () => agent.close!() } : {}),
  };
}
