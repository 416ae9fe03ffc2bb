/**
 * Runs one tool call the model asked for. Every way a call can go wrong that
 * the model can fix (an unknown tool, arguments that are not a JSON object, a
 * tool that throws) becomes a tool result explaining the error, so the model
 * can recover; only an interrupt ends the run.
 */

import { AbortedError } from '../errors.ts';
import type { AgentEvent, Tool, ToolCall, ToolContext } from './agent.ts';

/** The outcome of one tool call. */
export interface ToolCallOutcome {
  /** The text given back to the model. */
  output: string;
  /** False when the call failed (unknown tool, bad arguments, the tool threw). */
  ok: boolean;
}

/**
 * Runs a tool call, emitting `tool.start` before and `tool.end` after it.
 * Rejects with `AbortedError` only when `ctx.signal` aborted while the tool threw.
 *
 * @example
 * const { output } = await runToolCall(call, toolsByName, { signal, sessionKey }, onEvent);
 */
export async function runToolCall(
  call: ToolCall,
  tools: ReadonlyMap<string, Tool>,
  ctx: ToolContext,
  onEvent: (event: AgentEvent) => void,
): Promise<ToolCallOutcome> {
  onEvent({ type: 'tool.start', callId: call.id, name: call.name, arguments: call.arguments });
  const outcome = await execute(call, tools, ctx);
  onEvent({ type: 'tool.end', callId: call.id, name: call.name, output: outcome.output, ok: outcome.ok });
  return outcome;
}

async function execute(
  call: ToolCall,
  tools: ReadonlyMap<string, Tool>,
  ctx: ToolContext,
): Promise<ToolCallOutcome> {
  const tool = tools.get(call.name);
  if (!tool) {
    const available = [...tools.keys()].join(', ') || 'none';
    return { ok: false, output: `Error: unknown tool "${call.name}". Available tools: ${available}.` };
  }
  const args = parseArguments(call.arguments);
  if (typeof args === 'string') {
    return {
      ok: false,
      output: `Error: the arguments for ${call.name} are not a valid JSON object (${args}). Call the tool again with a JSON object as arguments.`,
    };
  }
  try {
    return { ok: true, output: await tool.execute(args, ctx) };
  } catch (err) {
    if (ctx.signal.aborted) throw new AbortedError();
    return {
      ok: false,
      output: `Error: ${call.name} failed: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/** Parses the model's argument text; returns the object, or a string saying what is wrong. */
function parseArguments(text: string): Record<string, unknown> | string {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `expected an object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`;
  }
  return value as Record<string, unknown>;
}
