/**
 * What the operator page can do, through the same runtime entry points as the
 * chat commands: `/platform pause|resume` (the breakers), `/approve`, `/deny`
 * and `/stop` (events to the session), and a look at a session's queue.
 */
import type { Gateway } from '../runtime/gateway-api.ts';
import { type SessionEntry, sessionEntry } from './operator-model.ts';

/** The outcome of an action: what changed, or why nothing did (with the HTTP status that fits). */
export type ActionOutcome =
  | { ok: true; message: string; entry?: unknown }
  | { ok: false; status: 404 | 409; message: string };

/** The states in which a session has a run that `/stop` can stop. */
const STOPPABLE = new Set(['running', 'resuming']);

/** The operator's actions on one gateway. */
export interface OperatorActions {
  pausePlatform(name: string): ActionOutcome;
  resumePlatform(name: string): ActionOutcome;
  resolveApproval(sessionKey: string, approved: boolean): Promise<ActionOutcome>;
  stopRun(sessionKey: string): Promise<ActionOutcome>;
  /** A session (live or persisted) with its queue; undefined when there is none. */
  inspectSession(sessionKey: string): Promise<SessionEntry | undefined>;
}

/**
 * Creates the actions.
 *
 * @example
 * const actions = operatorActions(gateway);
 * actions.pausePlatform('telegram'); // { ok: true, message: 'telegram paused' }
 */
export function operatorActions(gateway: Gateway): OperatorActions {
  const unknownPlatform = (name: string): ActionOutcome => ({
    ok: false,
    status: 404,
    message: `No platform named ${name}`,
  });
  const noSession = (key: string): ActionOutcome => ({
    ok: false,
    status: 404,
    message: `No session ${key}`,
  });
  return {
    pausePlatform(name) {
      const view = gateway.pausePlatform(name);
      return view ? { ok: true, message: `${name} paused`, entry: view } : unknownPlatform(name);
    },
    resumePlatform(name) {
      const view = gateway.resumePlatform(name);
      return view ? { ok: true, message: `${name} resumed`, entry: view } : unknownPlatform(name);
    },
    async resolveApproval(sessionKey, approved) {
      const view = await gateway.session(sessionKey);
      if (!view) return noSession(sessionKey);
      if (!view.context.pendingApproval) {
        return { ok: false, status: 409, message: 'Nothing is waiting for approval.' };
      }
      await gateway.sendToSession(sessionKey, { type: 'APPROVAL.RESOLVE', approved });
      return { ok: true, message: approved ? 'Approved' : 'Denied' };
    },
    async stopRun(sessionKey) {
      const view = await gateway.session(sessionKey);
      if (!view) return noSession(sessionKey);
      if (!STOPPABLE.has(view.state)) return { ok: false, status: 409, message: 'No active task to stop.' };
      await gateway.sendToSession(sessionKey, { type: 'STOP' });
      return { ok: true, message: 'Stopping' };
    },
    async inspectSession(sessionKey) {
      const view = await gateway.session(sessionKey);
      return view ? sessionEntry(view) : undefined;
    },
  };
}
