/**
 * A gateway with one editing chat adapter and a scripted tool-calling agent.
 */
import { afterEach } from 'vitest';
import type { AdapterCapabilities } from '../../src/adapters/contract.ts';
import type { GatewayConfigInput } from '../../src/config/schema.ts';
import { validateConfig } from '../../src/config/validate-config.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import type { Store } from '../../src/persistence/store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import { ProgressAdapter } from './progress-adapter.ts';
import { type Script, toolAgent } from './tool-agent.ts';

const running: Gateway[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
});

/** What a test sets up. */
export interface HarnessOptions {
  config?: GatewayConfigInput;
  name?: string;
  capabilities?: Partial<AdapterCapabilities>;
  /** Default: a new memory store. */
  store?: Store;
  script: (prompt: string) => Script;
}

/** Starts the gateway; `say` sends a message to chat `c` and waits until everything settled. */
export async function startGateway(options: HarnessOptions) {
  const chat = new ProgressAdapter({
    ...(options.name ? { name: options.name } : {}),
    ...(options.capabilities ? { capabilities: options.capabilities } : {}),
  });
  const gateway = createGateway({
    store: options.store ?? createMemoryStore(),
    agent: toolAgent(options.script),
    adapters: [chat],
    config: validateConfig(options.config ?? {}),
  });
  running.push(gateway);
  await gateway.start();
  const say = async (text: string) => {
    await chat.receive({ chatId: 'c', text });
    await gateway.settled(20_000);
  };
  return { chat, gateway, say };
}
