/**
 * Wraps a long-lived service object (session directory, scheduler, outbox
 * sender) as actor logic the gateway machine spawns and supervises: the service
 * starts when the child is spawned, a failed start becomes `CHILD.FAILED`, and
 * stopping the child stops the service.
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
 * Creates actor logic that runs a fresh service instance per (re)start.
 *
 * @example
 * gatewayMachine.provide({ actors: { scheduler: serviceLogic(() => new DurableScheduler(deps), Date.now) } })
 */
export function serviceLogic(create: (input: ChildInput) => SupervisedService, now: () => number) {
  return fromCallback<GatewayEvent, ChildInput>(({ input, sendBack }) => {
    let active = true;
    const service = create(input);
    service.start().then(
      () => active && sendBack({ type: 'CHILD.UP', id: input.id }),
      (error) =>
        active && sendBack({ type: 'CHILD.FAILED', id: input.id, error: errorText(error), at: now() }),
    );
    return () => {
      active = false;
      void service.stop();
    };
  });
}
