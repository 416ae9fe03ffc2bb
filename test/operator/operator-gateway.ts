/**
 * An in-process gateway with the operator page for the operator tests: one
 * in-memory chat platform, a scripted agent and the operator server on a free
 * loopback port.
 * - "slow …" works until it is stopped;
 * - "approve-me …" asks the chat to approve a dangerous command first;
 * - anything else is answered at once with "answer: <prompt>".
 */
import type { Agent } from '../../src/agent/agent.ts';
import { AbortedError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log/runtime-logger.ts';
import { InspectionFeed } from '../../src/operator/inspection-feed.ts';
import { createOperatorServer, type OperatorServer } from '../../src/operator/operator-server.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createGateway, type Gateway, type RuntimeSettings } from '../../src/runtime/create-gateway.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

/** The login of the test operator server. */
export const TOKEN = 'operator-test-token-0123456789';

/** The scripted agent; `runs` lists every prompt it was given. */
export function scriptedAgent(): Agent & { runs: string[] } {
  const runs: string[] = [];
  return {
    name: 'scripted',
    runs,
    async run(request) {
      const prompt = request.messages.at(-1)!.content;
      runs.push(prompt);
      if (prompt.includes('slow')) {
        await new Promise<void>((resolve) => {
          if (request.signal.aborted) resolve();
          request.signal.addEventListener('abort', () => resolve());
        });
        throw new AbortedError();
      }
      if (prompt.includes('approve-me')) {
        const approved = await request.requestApproval?.({
          command: 'rm -rf /tmp/x',
          reason: 'deletes files',
        });
        return { text: `approved: ${approved}`, usage: { inputTokens: 0, outputTokens: 0 }, messages: [] };
      }
      return { text: `answer: ${prompt}`, usage: { inputTokens: 0, outputTokens: 0 }, messages: [] };
    },
  };
}

/** A started gateway with its operator server. */
export interface OperatorGateway {
  gateway: Gateway;
  chat: MemoryAdapter;
  agent: Agent & { runs: string[] };
  operator: OperatorServer;
  /** `http://127.0.0.1:<port>` */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts one.
 *
 * @example
 * const og = await startOperatorGateway();
 * await fetch(`${og.url}/api/state`, { headers: { authorization: `Bearer ${TOKEN}` } });
 */
export async function startOperatorGateway(
  settings: Partial<RuntimeSettings> = {},
): Promise<OperatorGateway> {
  const chat = new MemoryAdapter({ name: 'chat' });
  const agent = scriptedAgent();
  const feed = new InspectionFeed();
  const gateway = createGateway({
    store: createMemoryStore(),
    agent,
    adapters: [chat],
    settings: { busyAckEnabled: false, ...settings },
    inspect: feed.inspect,
  });
  const operator = createOperatorServer({ gateway, feed, token: TOKEN, port: 0, log: silentLogger });
  await gateway.start();
  const { port } = await operator.listen();
  return {
    gateway,
    chat,
    agent,
    operator,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await operator.close();
      await gateway.stop();
    },
  };
}
