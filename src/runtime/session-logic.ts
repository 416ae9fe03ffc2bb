/**
 * The session machine with its side effects provided: the agent run actor and
 * the effect actions. The one place that wires them, for the runtime and for
 * anything that drives session actors directly (benchmarks, directory tests).
 */
import { type AgentRunDeps, createAgentRunLogic } from '../actors/agent-run.ts';
import { type SessionMachine, sessionMachine } from '../machines/session.ts';
import { createSessionEffects, type SessionEffectDeps } from './session-effects.ts';

/**
 * Provides the session machine's agent run and effects.
 *
 * @example
 * const logic = createSessionLogic({ run: { agent, store, log }, effects: { store, adapters, log } });
 */
export function createSessionLogic(deps: { run: AgentRunDeps; effects: SessionEffectDeps }): SessionMachine {
  return sessionMachine.provide({
    actors: { agentRun: createAgentRunLogic(deps.run) },
    actions: createSessionEffects(deps.effects),
  });
}
