/**
 * The gateway's lifecycle: `start()` (boot, then the children, then the adapters
 * or their start wait), `stop()` (drain through the machine, then every part in
 * order) and `settled()` (nothing accepted left on its way).
 */
import type { Actor } from 'xstate';
import type { OutboxSender } from '../actors/outbox-sender.ts';
import type { PlatformBreakers } from '../actors/platform-breakers.ts';
import type { SessionDirectory } from '../actors/session-directory.ts';
import type { Agent } from '../agent/agent.ts';
import type { McpTools } from '../agent/mcp/mcp-manager.ts';
import { GatewayError } from '../errors.ts';
import { errorText, type RuntimeLogger } from '../log/runtime-logger.ts';
import { type GatewayMachine, SERVICE_IDS } from '../machines/gateway.ts';
import { IN_FLIGHT_STATES } from '../machines/session.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { Store } from '../persistence/store.ts';
import type { RuntimeSettings } from './gateway-options.ts';

/** What the lifecycle drives. */
export interface GatewayLifecycleDeps {
  gateway: Actor<GatewayMachine>;
  store: Store;
  agent: Agent;
  platforms: readonly string[];
  settings: Pick<RuntimeSettings, 'adapterStartWaitMs'>;
  log: RuntimeLogger;
  now: () => number;
  /** Close the store after the stop. */
  closeStore: boolean;
  media: Pick<MediaStore, 'startSweeping' | 'stopSweeping' | 'dir'>;
  breakers: Pick<PlatformBreakers, 'settle' | 'isUp'>;
  directory: Pick<SessionDirectory, 'activeViews' | 'stop'>;
  sender: Pick<OutboxSender, 'busy' | 'stop'>;
  cron: { settle(): Promise<void> };
  /** Stops the parts that have no supervisor of their own. */
  stopParts: () => void;
  /** The MCP servers: connected in the background at start, closed with the agent. */
  mcp?: Pick<McpTools, 'start' | 'close'>;
}

/**
 * Creates `start`, `stop` and `settled` of a gateway.
 *
 * @example
 * const { start, stop, settled } = createGatewayLifecycle(deps);
 */
export function createGatewayLifecycle(deps: GatewayLifecycleDeps) {
  const { gateway, store, log, media } = deps;
  let started: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;

  /** Resolves true once `predicate` holds for the gateway's snapshot, or false after `timeoutMs`. */
  const waitFor = (predicate: () => boolean, timeoutMs = Number.POSITIVE_INFINITY) =>
    new Promise<boolean>((resolve) => {
      if (predicate()) return resolve(true);
      let timer: NodeJS.Timeout | undefined;
      const sub = gateway.subscribe(() => {
        if (!predicate()) return;
        sub.unsubscribe();
        clearTimeout(timer);
        resolve(true);
      });
      if (Number.isFinite(timeoutMs)) {
        timer = setTimeout(() => {
          sub.unsubscribe();
          resolve(false);
        }, timeoutMs);
      }
    });
  /** Whether a child has started (or already failed once). */
  const settledChild = (id: string) => {
    const c = gateway.getSnapshot().context.children[id];
    return c?.status !== 'starting' || c.attempt > 0;
  };

  const start = (): Promise<void> => {
    started ??= (async () => {
      // in the background: a slow or broken MCP server never holds up the start (it logs why it was skipped)
      void deps.mcp?.start();
      media.startSweeping(
        (removed) => {
          if (removed > 0) log.info({ removed, dir: media.dir }, `Removed ${removed} expired media file(s)`);
        },
        (error) => log.warn({ dir: media.dir, err: errorText(error) }, 'The media sweep failed'),
      );
      gateway.start();
      await waitFor(() => {
        const snap = gateway.getSnapshot();
        if (snap.status !== 'active') return true;
        return snap.matches('running') && SERVICE_IDS.every(settledChild);
      });
      const snap = gateway.getSnapshot();
      if (snap.status !== 'active') {
        throw new GatewayError(
          'GATEWAY_ERR_STATE',
          `The gateway failed to start: ${snap.context.bootError}`,
          {
            cause: snap.context.bootError,
          },
        );
      }
      const linkIds = deps.platforms.map((name) => `adapter:${name}`);
      await waitFor(() => linkIds.every(settledChild), deps.settings.adapterStartWaitMs);
      const connecting = linkIds.filter((id) => !settledChild(id));
      if (connecting.length)
        log.warn({ adapters: connecting }, 'Adapters still connecting; the gateway runs meanwhile');
      log.info({ adapters: deps.platforms, agent: deps.agent.name }, 'Gateway running');
    })();
    return started;
  };

  const stop = (reason = 'stop'): Promise<void> => {
    stopped ??= (async () => {
      if (!started) return;
      await started.catch(() => {});
      if (gateway.getSnapshot().status === 'active') {
        gateway.send({ type: 'STOP', reason });
        await waitFor(() => gateway.getSnapshot().status !== 'active');
      }
      deps.stopParts();
      media.stopSweeping();
      await deps.agent.close?.();
      await deps.mcp?.close();
      await deps.cron.settle();
      await deps.breakers.settle();
      await Promise.all([deps.directory.stop(), deps.sender.stop(0)]);
      await store.meta.set('clean_shutdown', String(deps.now()));
      await store.flush();
      if (deps.closeStore) await store.close();
      log.info({ reason }, 'Gateway stopped');
    })();
    return stopped;
  };

  const settled = async (timeoutMs = 10_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      // Checked in the order a message travels (inbox → session → outbox), so one moving
      // forward between two checks is always seen by the later one.
      await store.flush();
      const undelivered = gateway.getSnapshot().matches('running')
        ? (await store.inbox.listByStatus('accepted')).length
        : 0;
      const busy = deps.directory
        .activeViews()
        .some((s) => (IN_FLIGHT_STATES as readonly string[]).includes(s.state) || s.context.queue.length > 0);
      await store.flush();
      const pending = await store.outbox.listByStatus(['pending', 'sending']);
      const waiting = pending.filter((r) => deps.breakers.isUp(r.platform));
      if (undelivered === 0 && !busy && waiting.length === 0 && !deps.sender.busy) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new GatewayError('GATEWAY_ERR_STATE', `The gateway did not settle within ${timeoutMs} ms`);
  };

  return { start, stop, settled };
}
