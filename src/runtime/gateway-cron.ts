/**
 * The gateway's cron actor: due jobs run as fresh agents (no chat context and
 * no `cronjob` tool: a job cannot manage jobs; the MCP tools, filtered by the
 * toolset of the platform the job delivers to), and their results go through
 * the outbox to the job's origin chat or its platform's home channel.
 */
import { type IsolatedToolsFor, runIsolated } from '../actors/isolated-run.ts';
import type { Agent } from '../agent/agent.ts';
import { readHomeChannel } from '../commands/home-channel.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { createCronSchedulerLogic } from '../cron/cron-scheduler.ts';
import type { RuntimeLogger } from '../log/runtime-logger.ts';
import type { Store } from '../persistence/store.ts';

/** What the cron actor needs from the runtime. */
export interface GatewayCronDeps {
  store: Store;
  agent: Agent;
  config: Pick<GatewayConfig, 'providers' | 'personalities'>;
  log: RuntimeLogger;
  now: () => number;
  /** Milliseconds between ticks. */
  tickMs: number;
  /** Longest a run may take before it is aborted and reported failed. */
  runTimeoutMs: number;
  /** The MCP tools and toolset of a job's run, by the platform it delivers to. */
  toolsFor?: IsolatedToolsFor;
}

/**
 * Creates the `cron` child logic of the gateway machine.
 *
 * @example
 * const cron = createGatewayCron({ store, agent, config, log, now, tickMs: 60_000, runTimeoutMs: 600_000 });
 */
export function createGatewayCron(deps: GatewayCronDeps) {
  const { store, log, now } = deps;
  return createCronSchedulerLogic({
    store,
    now,
    log,
    tickMs: deps.tickMs,
    runJob: (job) =>
      runIsolated({
        agent: deps.agent,
        config: deps.config,
        sessionKey: `cron:${job.id}`,
        prompt: job.prompt,
        signal: AbortSignal.timeout(deps.runTimeoutMs),
        ...deps.toolsFor?.(job.deliverTo.platform),
      }),
    deliver: async (job, text, ok) => {
      const target = job.deliverTo;
      const home = target.kind === 'home' ? await readHomeChannel(store.meta, target.platform) : undefined;
      const chat = target.kind === 'origin' ? target : home && { ...home, platform: target.platform };
      if (!chat) {
        log.error(
          { jobId: job.id, platform: target.platform },
          `Cron job ${job.name}: ${target.platform} has no home channel (set one with /sethome); result not delivered`,
        );
        return;
      }
      await store.outbox.enqueue(chat.platform, {
        chatId: chat.chatId,
        chatType: chat.chatType,
        ...(chat.threadId ? { threadId: chat.threadId } : {}),
        text,
        inReplyTo: [],
        idempotencyKey: `cron:${job.id}:${job.runCount}:${job.lastRunAt ?? now()}`,
        sessionKey: `cron:${job.id}`,
        ...(ok ? {} : { failed: true }),
      });
    },
  });
}
