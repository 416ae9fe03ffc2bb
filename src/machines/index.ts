/**
 * Every statechart of the gateway, by name. The diagrams in visualizations/ are
 * generated from this list (`npm run visualize`).
 */
import type { AnyStateMachine } from 'xstate';
import { backgroundTaskMachine } from './background-task.ts';
import { breakerMachine } from './breaker.ts';
import { gatewayMachine } from './gateway.ts';
import { sessionMachine } from './session.ts';

export { BACKGROUND_TASK_MACHINE_VERSION, backgroundTaskMachine } from './background-task.ts';
export { BREAKER_MACHINE_VERSION, breakerMachine } from './breaker.ts';
export { GATEWAY_MACHINE_VERSION, gatewayMachine } from './gateway.ts';
export { SESSION_MACHINE_VERSION, sessionMachine } from './session.ts';

/** The machines whose diagrams are generated. */
export const MACHINES: Record<string, AnyStateMachine> = {
  gateway: gatewayMachine,
  session: sessionMachine,
  breaker: breakerMachine,
  'background-task': backgroundTaskMachine,
};
