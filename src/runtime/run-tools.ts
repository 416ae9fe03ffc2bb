/**
 * The tools of a chat's run besides the backend's own: `send_message` and
 * `clarify`, and the platform's toolset (`hermes-<platform>`) that decides
 * which of all the tools the model is offered.
 */
import type { Adapter } from '../adapters/contract.ts';
import type { Tool } from '../agent/agent.ts';
import { createClarifyTool } from '../agent/tools/clarify.ts';
import { createSendMessageTool } from '../agent/tools/send-message.ts';
import { type Toolset, toolsetFor, toolsetSettingsOf } from '../agent/toolsets.ts';
import type { GatewayConfig } from '../config/schema.ts';
import type { AgentRunInput } from '../machines/session.ts';
import type { Store } from '../persistence/store.ts';

/** What the run tools need. */
export interface RunToolDeps {
  store: Store;
  adapters: ReadonlyMap<string, Adapter>;
  config: Pick<GatewayConfig, 'toolsets'>;
}

/**
 * The toolsets of the gateway's platforms, by platform name (made once per platform).
 *
 * @example
 * const toolsets = createToolsets({ adapters, config });
 * toolsets('api').allows('clarify'); // false
 */
export function createToolsets(deps: Omit<RunToolDeps, 'store'>): (platform: string) => Toolset {
  const made = new Map<string, Toolset>();
  return (platform) => {
    let toolset = made.get(platform);
    if (!toolset) {
      toolset = toolsetFor(platform, {
        headless: deps.adapters.get(platform)?.capabilities.headless === true,
        settings: toolsetSettingsOf(deps.config.toolsets ?? {}, platform),
      });
      made.set(platform, toolset);
    }
    return toolset;
  };
}

/**
 * `send_message` and `clarify` for one run (the toolset decides whether the model sees them).
 *
 * @example
 * const tools = runMessagingTools({ store, adapters, config }, input);
 */
export function runMessagingTools(deps: RunToolDeps, input: AgentRunInput): Tool[] {
  const platforms = () =>
    [...deps.adapters.values()].map((a) => ({ name: a.name, headless: a.capabilities.headless === true }));
  return [
    createSendMessageTool({
      store: deps.store,
      platforms,
      turnId: input.run.turnId,
      sessionKey: input.sessionKey,
    }),
    createClarifyTool(),
  ];
}
