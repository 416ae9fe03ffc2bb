/**
 * A fresh agent run with no chat context: background tasks and cron jobs. It
 * gets the prompt alone (after the personality, when one is chosen) and the
 * model, endpoint and reasoning settings of the chat it belongs to. Nobody can
 * be asked during it: an approval-gated tool (an MCP server's with
 * `require_approval`) refuses its calls with a tool error the model reads.
 */
import type { Agent, ChatMessage, Tool } from '../agent/agent.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { DEFAULT_SESSION_SETTINGS, type SessionSettings } from '../machines/session.ts';
import { agentOptionsFor } from './agent-run.ts';

/** One isolated run. */
export interface IsolatedRun {
  agent: Agent;
  config: Pick<GatewayConfig, 'providers' | 'personalities'>;
  /** Its own session key (`background:<id>`, `cron:<id>`). */
  sessionKey: string;
  prompt: string;
  /** The settings of the chat it belongs to (defaults when none). */
  settings?: Partial<SessionSettings>;
  signal: AbortSignal;
  /** Tools for this run besides the backend's own. */
  tools?: Tool[];
  /** The run's toolset: which tools, the backend's own and `tools`, the model is offered (all when absent). */
  allowTools?: (toolName: string) => boolean;
}

/**
 * The tools and toolset of the isolated runs that deliver to a platform
 * (`undefined`: no chat to deliver to).
 */
export type IsolatedToolsFor = (platform: string | undefined) => Pick<IsolatedRun, 'tools' | 'allowTools'>;

/**
 * Runs the agent once on `prompt`.
 *
 * @example
 * const { text } = await runIsolated({ agent, config, sessionKey: 'cron:cron_ab12cd34', prompt, signal });
 */
export async function runIsolated(run: IsolatedRun) {
  const settings = { ...DEFAULT_SESSION_SETTINGS, ...run.settings };
  const options = agentOptionsFor(settings, run.config);
  const messages: ChatMessage[] = [
    ...(options.personality ? [{ role: 'system' as const, content: options.personality }] : []),
    { role: 'user', content: run.prompt },
  ];
  return run.agent.run({
    sessionKey: run.sessionKey,
    messages,
    signal: run.signal,
    onEvent: () => {},
    ...(options.model ? { model: options.model } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.reasoningEffort ? { reasoningEffort: options.reasoningEffort } : {}),
    ...(run.tools?.length ? { tools: run.tools } : {}),
    ...(run.allowTools ? { allowTools: run.allowTools } : {}),
  });
}
