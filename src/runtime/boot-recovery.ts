/**
 * Boot recovery, the gateway machine's `boot` actor: migrations, then what a
 * restart leaves behind. Sessions a crash or shutdown cut off mid-run become
 * `restartInterrupted` (restore never re-runs a run), each gets its durable
 * auto-resume timer, a restart loop closes them at once instead, home channels
 * are told the gateway is back, and unfinished background tasks are restored.
 */
import { fromPromise } from 'xstate';
import { restorableSnapshot } from '../actors/session-directory.ts';
import { errorText, type RuntimeLogger } from '../log/runtime-logger.ts';
import { IN_FLIGHT_STATES, SESSION_MACHINE_VERSION } from '../machines/session.ts';
import type { Store } from '../persistence/store.ts';
import type { RuntimeSettings } from './gateway-options.ts';
import { backOnlineNotice, notifyHomeChannels } from './restart-notices.ts';

/** What boot recovery needs. */
export interface BootRecoveryDeps {
  store: Store;
  /** The configured platforms (their home channels get the back-online notice). */
  platforms: readonly string[];
  settings: Pick<RuntimeSettings, 'restartLoopGuard' | 'autoResumeWindowMs' | 'restartNotification'>;
  log: RuntimeLogger;
  now: () => number;
  /** Restores the background tasks a restart left unfinished; resolves with how many. */
  recoverTasks: () => Promise<number>;
}

/** The boot times (epoch ms) within the restart-loop window, this boot included. */
export function recentBoots(stored: string | undefined, now: number, windowMs: number): number[] {
  let previous: unknown = [];
  try {
    previous = JSON.parse(stored ?? '[]');
  } catch {
    previous = [];
  }
  const times = Array.isArray(previous) ? previous.filter((t): t is number => typeof t === 'number') : [];
  return [...times.filter((t) => now - t < windowMs), now];
}

/**
 * Creates the `boot` actor logic.
 *
 * @example
 * gatewayMachine.provide({ actors: { boot: createBootRecovery({ store, platforms, settings, log, now, recoverTasks }) } })
 */
export function createBootRecovery(deps: BootRecoveryDeps) {
  const { store, settings, log, now } = deps;

  /** Marks the boot; true when this start is part of a restart loop. */
  const recordBoot = async (): Promise<{ restartLoop: boolean; boots: number }> => {
    const started = await store.meta.get('started_at');
    const clean = await store.meta.get('clean_shutdown');
    if (started && !clean) log.warn({}, 'The gateway did not shut down cleanly last time; recovering');
    await store.meta.delete('clean_shutdown');
    await store.meta.set('started_at', String(now()));
    const guard = settings.restartLoopGuard;
    const boots = recentBoots(await store.meta.get('boot_times'), now(), guard.windowMs);
    await store.meta.set('boot_times', JSON.stringify(boots));
    return { restartLoop: boots.length >= guard.boots, boots: boots.length };
  };

  /** Sessions left in an in-flight state become restart-interrupted (their run is never re-run). */
  const interruptInFlight = async (): Promise<void> => {
    for (const row of await store.actors.list('session', [...IN_FLIGHT_STATES])) {
      let snapshot: unknown;
      try {
        ({ snapshot } = restorableSnapshot(row));
      } catch (error) {
        log.error(
          { sessionKey: row.actorId, err: errorText(error) },
          'A session row cannot be restored; it is left as it is',
        );
        continue;
      }
      await store.actors.save({
        actorId: row.actorId,
        kind: 'session',
        machineVersion: SESSION_MACHINE_VERSION,
        state: 'restartInterrupted',
        snapshot,
      });
    }
  };

  return fromPromise(async () => {
    await store.migrate();
    const { restartLoop, boots } = await recordBoot();
    await interruptInFlight();
    const interrupted = await store.actors.list('session', ['restartInterrupted']);
    for (const row of interrupted) {
      await store.timers.set({
        key: `auto-resume:${row.actorId}`,
        actorId: row.actorId,
        event: { type: 'AUTO_RESUME.EXPIRED' },
        // in a restart loop the interrupted turns are closed at once instead of resumed
        dueAt: restartLoop ? now() : now() + settings.autoResumeWindowMs,
      });
    }
    const windowMs = settings.restartLoopGuard.windowMs;
    if (restartLoop && interrupted.length > 0) {
      log.warn(
        { boots, withinMs: windowMs, sessions: interrupted.map((r) => r.actorId) },
        `Restart loop: ${boots} starts within ${windowMs / 1000} s; auto-resume skipped for ${interrupted.length} session(s)`,
      );
    }
    if (interrupted.length > 0) {
      await notifyHomeChannels({
        store,
        platforms: [...deps.platforms],
        wantsNotice: settings.restartNotification,
        text: backOnlineNotice(interrupted.length),
        key: `back-online:${now()}`,
      });
    }
    const tasks = await deps.recoverTasks();
    if (tasks > 0) log.info({ count: tasks }, `Recovered ${tasks} unfinished background task(s)`);
    if (!restartLoop && interrupted.length > 0) {
      log.info(
        { count: interrupted.length, sessions: interrupted.map((r) => r.actorId) },
        `Scheduled auto-resume for ${interrupted.length} restart-interrupted session(s)`,
      );
    }
  });
}
