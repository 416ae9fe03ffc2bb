/**
 * Every statechart of the gateway, by name. The diagrams in visualizations/ are
 * generated from this list (`npm run visualize`).
 */
import type { AnyStateMachine } from 'xstate';
import { gatewayMachine } from './gateway.ts';
import { sessionMachine } from './session.ts';

export { GATEWAY_MACHINE_VERSION, gatewayMachine } from './gateway.ts';
export { SESSION_MACHINE_VERSION, sessionMachine } from './session.ts';

/** The machines whose diagrams are generated. */
export const MACHINES: Record<string, AnyStateMachine> = {
  gateway: gatewayMachine,
  session: sessionMachine,
};
