/**
 * The gateway machine's effects: what the runtime logs when a child restarts or
 * stays stopped, and when boot or drain fail. Typed against the machine, so a
 * missing or misspelled effect fails the type check.
 */
import { errorText, type RuntimeLogger } from '../log/runtime-logger.ts';
import type { GatewayEffectName, GatewayMachine } from '../machines/gateway.ts';
import type { ProvidedEffects } from '../machines/provided-effects.ts';

/** Every effect the gateway machine names, as the machine's `provide` types it. */
export type GatewayEffects = ProvidedEffects<GatewayMachine, GatewayEffectName>;

/** A field of an event; error events of children (`xstate.error.actor.*`) are not in the machine's event union. */
function field(event: object, key: 'id' | 'type' | 'error'): unknown {
  return (event as Record<string, unknown>)[key];
}

/**
 * Creates the gateway machine's effect actions.
 *
 * @example
 * gatewayMachine.provide({ actions: createGatewayEffects(log) })
 */
export function createGatewayEffects(log: RuntimeLogger): GatewayEffects {
  return {
    reportRestart: ({ event }) =>
      log.warn({ child: field(event, 'id'), err: field(event, 'error') }, 'Child failed; restarting it'),
    reportChildStopped: ({ event }) =>
      log.error(
        { child: field(event, 'id') ?? field(event, 'type'), err: errorText(field(event, 'error')) },
        'Child failed too often; it stays stopped until the gateway restarts',
      ),
    reportBootFailure: ({ event }) =>
      log.error({ err: errorText(field(event, 'error')) }, 'Gateway failed to start'),
    reportDrainFailure: ({ event }) =>
      log.error({ err: errorText(field(event, 'error')) }, 'Gateway drain failed'),
  } satisfies GatewayEffects;
}
