/**
 * Wraps a long-lived service object (session directory, scheduler, outbox
 * sender) as actor logic the gateway machine spawns and supervises: the service
 * starts when the child is spawned, a failed start becomes `CHILD.FAILED`, and
 * stopping the child stops the service. The service is built once, before the
 * gateway starts, and a restart of the child starts the same service again,
 * after its previous stop finished.
 */
import { fromCallback } from 'xstate';
import { errorText } from '../log/runtime-logger.ts';
import type { ChildInput, GatewayEvent } from '../machines/gateway.ts';

/** A service the gateway supervises. */
export interface SupervisedService {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Creates actor logic that (re)starts `service` each time the child is spawned.
 *
 * @example
 * gatewayMachine.provide({ actors: { scheduler: serviceLogic(new DurableScheduler(deps), Date.now) } })
 */
export function serviceLogic(service: SupervisedService, now: () => number) {
  let stopped: Promise<void> = Promise.resolve();
  return fromCallback<GatewayEvent, ChildInput>(({ input, sendBack }) => {
    let active = true;
    stopped
      .then(() => (active ? service.start() : undefined))
      .then(
        () => active && sendBack({ type: 'CHILD.UP', id: input.id }),
        (error) =>
          active && sendBack({ type: 'CHILD.FAILED', id: input.id, error: errorText(error), at: now() }),
      );
    return () => {
      active = false;
      stopped = stopped.then(() => service.stop()).catch(() => {});
    };
  });
}
