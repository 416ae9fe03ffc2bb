/**
 * An agent that plays a scripted run: tool calls reported through
 * `request.onEvent` (start, then end), then an answer or a failure.
 */
import type { Agent, AgentRequest, AgentResult } from '../../src/agent/agent.ts';
import { AgentError } from '../../src/errors.ts';

/** One scripted tool call. */
export interface ScriptedCall {
  name: string;
  /** Arguments as JSON text (default `{}`). */
  args?: string;
  output?: string;
  ok?: boolean;
  /** Wait this long before the call starts (default 0). */
  delayMs?: number;
}

/** The run to play. */
export interface Script {
  calls: ScriptedCall[];
  /** The answer (default `done`). */
  answer?: string;
  /** Fail the run with this message instead of answering. */
  fail?: string;
  /** Work this long after the last call before answering (default 100 ms), as a model writing its answer does. */
  answerDelayMs?: number;
}

/**
 * An agent that plays `script` for every prompt.
 *
 * @example
 * const agent = toolAgent(() => ({ calls: [{ name: 'terminal', args: '{"command":"ls"}' }] }));
 */
export function toolAgent(script: (prompt: string) => Script): Agent {
  return {
    name: 'scripted',
    async run(request: AgentRequest): Promise<AgentResult> {
      const prompt = request.messages.at(-1)?.content ?? '';
      const plan = script(prompt);
      let n = 0;
      for (const call of plan.calls) {
        if (call.delayMs) await new Promise((r) => setTimeout(r, call.delayMs));
        const callId = `call-${++n}`;
        request.onEvent({ type: 'tool.start', callId, name: call.name, arguments: call.args ?? '{}' });
        request.onEvent({
          type: 'tool.end',
          callId,
          name: call.name,
          output: call.output ?? 'ok',
          ok: call.ok ?? true,
        });
      }
      await new Promise((r) => setTimeout(r, plan.answerDelayMs ?? 100));
      if (plan.fail) throw new AgentError(plan.fail);
      const text = plan.answer ?? 'done';
      return {
        text,
        usage: { inputTokens: 1, outputTokens: 1 },
        messages: [{ role: 'assistant', content: text }],
      };
    },
  };
}
