/**
 * The graceful stop, the gateway machine's `drain` actor: no more deliveries,
 * runs in flight become restart-interrupted (their home channels are told once),
 * every write commits, and the outbox gets `drainTimeoutMs` to send what is ready.
 */
import { fromPromise } from 'xstate';
import type { OutboxSender } from '../actors/outbox-sender.ts';
import type { SessionDirectory } from '../actors/session-directory.ts';
import type { RuntimeLogger } from '../log/runtime-logger.ts';
import type { Store } from '../persistence/store.ts';
import type { RuntimeSettings } from './gateway-options.ts';
import { notifyHomeChannels, restartingNotice } from './restart-notices.ts';

/** What draining needs. */
export interface DrainDeps {
  store: Store;
  directory: Pick<SessionDirectory, 'drain'>;
  sender: Pick<OutboxSender, 'notify' | 'idle'>;
  /** The configured platforms (their home channels get the restarting notice). */
  platforms: readonly string[];
  settings: Pick<RuntimeSettings, 'drainTimeoutMs' | 'restartNotification'>;
  log: RuntimeLogger;
  now: () => number;
}

/**
 * Creates the `drain` actor logic.
 *
 * @example
 * gatewayMachine.provide({ actors: { drain: createDrain({ store, directory, sender, platforms, settings, log, now }) } })
 */
export function createDrain(deps: DrainDeps) {
  const { store, log, settings } = deps;
  return fromPromise<void, { reason: string }>(async ({ input }) => {
    log.info({ reason: input.reason }, 'Gateway draining');
    const interrupted = await deps.directory.drain();
    if (interrupted.length) {
      log.info(
        { count: interrupted.length, sessions: interrupted },
        'Runs in flight marked restart-interrupted',
      );
      await notifyHomeChannels({
        store,
        platforms: [...deps.platforms],
        wantsNotice: settings.restartNotification,
        text: restartingNotice(interrupted.length),
        key: `restarting:${(await store.meta.get('started_at')) ?? deps.now()}`,
      });
    }
    await store.flush();
    // rows a session wrote in its last tick: the facade woke the sender, this makes sure of all of them
    deps.sender.notify();
    await deps.sender.idle(settings.drainTimeoutMs);
  });
}
