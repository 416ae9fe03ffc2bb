/**
 * The cron actor: the gateway machine's child that runs cron jobs. When it
 * starts it handles the runs missed while the gateway was down (by each job's
 * missed-run policy) and reports `CHILD.UP`; then it ticks every `tickMs`
 * (60 s by default) and runs the due jobs. Stopping the actor stops the ticks;
 * runs already started finish (`settle()` waits for them).
 */
import { fromCallback } from 'xstate';
import { errorText } from '../log/runtime-logger.ts';
import type { ChildInput, GatewayEvent } from '../machines/gateway.ts';
import { CronRunner, type CronRunnerDeps, type CronRunOutcome } from './cron-runner.ts';

/** What the cron actor needs from the gateway. */
export type CronSchedulerDeps = CronRunnerDeps;

/**
 * Creates the cron actor logic. Besides being actor logic it offers
 * `runJobNow(id)` (run a job at once, off its schedule; resolves after its result
 * was delivered) and `settle()` (resolves when every started tick and run finished).
 *
 * @example
 * const cron = createCronSchedulerLogic({ store, now: Date.now, runJob, deliver, log });
 * gatewayMachine.provide({ actors: { cron } });
 * await cron.runJobNow('cron_ab12cd34');
 */
export function createCronSchedulerLogic(deps: CronSchedulerDeps) {
  const runner = new CronRunner(deps);
  const log = deps.log.child({ component: 'cron' });

  const logic = fromCallback<GatewayEvent, ChildInput>(({ input, sendBack }) => {
    let active = true;
    const tick = (): Promise<void> =>
      runner.tick().catch((error) => {
        log.error({ err: errorText(error) }, 'Cron tick failed; trying again at the next tick');
        throw error;
      });
    // The first tick handles the runs missed while the gateway was down.
    tick().then(
      () => active && sendBack({ type: 'CHILD.UP', id: input.id }),
      (error) =>
        active && sendBack({ type: 'CHILD.FAILED', id: input.id, error: errorText(error), at: deps.now() }),
    );
    const interval = setInterval(() => {
      if (active) tick().catch(() => {});
    }, runner.tickMs);
    interval.unref();
    return () => {
      active = false;
      clearInterval(interval);
    };
  });

  /** Runs a job now, off its schedule (see `CronRunner.runNow`). */
  const runJobNow = (id: string): Promise<CronRunOutcome> => runner.runNow(id);
  /** Resolves when every started tick and run has finished. */
  const settle = (): Promise<void> => runner.settle();
  return Object.assign(logic, { runJobNow, settle });
}
