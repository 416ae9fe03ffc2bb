/**
 * Upgrades persisted session snapshots written by older session machine
 * versions, so a new gateway restores the sessions an older one left. Pure JSON
 * transformations: one step per version, applied in order.
 */
import { DEFAULT_SESSION_SETTINGS, SESSION_MACHINE_VERSION } from './session.ts';

type PersistedSnapshot = { value: unknown; context: Record<string, unknown>; [k: string]: unknown };

type Pending = Record<string, unknown>;

/** A list of pending messages with `attachments: []` added where missing (v3 messages held text only). */
function withAttachments(messages: unknown): unknown {
  if (!Array.isArray(messages)) return messages;
  return messages.map((m: Pending) => (m && !Array.isArray(m.attachments) ? { ...m, attachments: [] } : m));
}

/** A run (context `run`, or an agent run's input `run`) whose messages have attachments. */
function runWithAttachments(run: unknown): unknown {
  if (!run || typeof run !== 'object') return run;
  const r = run as Record<string, unknown>;
  return { ...r, messages: withAttachments(r.messages) };
}

/** A run with its turn id (v4 runs had none: the run was its own turn). */
function runWithTurn(run: unknown): unknown {
  if (!run || typeof run !== 'object') return run;
  const r = run as Record<string, unknown>;
  return typeof r.turnId === 'string' ? r : { ...r, turnId: r.runId };
}

/** Applies `change` to the input of the snapshot's agent run, when one was running. */
function withRunInput(
  snapshot: PersistedSnapshot,
  change: (input: Record<string, unknown>) => Record<string, unknown>,
): PersistedSnapshot {
  const children = snapshot.children as
    | { agentRun?: { snapshot?: { input?: Record<string, unknown> } } }
    | undefined;
  const input = children?.agentRun?.snapshot?.input;
  if (!children?.agentRun?.snapshot || !input) return snapshot;
  return {
    ...snapshot,
    children: {
      ...children,
      agentRun: { ...children.agentRun, snapshot: { ...children.agentRun.snapshot, input: change(input) } },
    },
  };
}

/** Step `n` upgrades a snapshot of version `n` to version `n + 1`. */
const STEPS: Record<number, (snapshot: PersistedSnapshot) => PersistedSnapshot> = {
  // v2 adds busy-input modes (merging, superseded, steered, acknowledgements), per-session settings
  // dangerous-command approval, reset notices and conversation titles;
  // `running` and `resuming` became compound states (their in-flight snapshots are restored as
  // restart-interrupted anyway, so only the context changes).
  1: (snapshot) => ({
    ...snapshot,
    value:
      snapshot.value === 'running' || snapshot.value === 'resuming'
        ? { [snapshot.value]: 'working' }
        : snapshot.value,
    context: {
      ...snapshot.context,
      merging: [],
      superseded: [],
      steered: [],
      lastBusyAckAt: null,
      settings: { ...DEFAULT_SESSION_SETTINGS },
      pendingApproval: null,
      resetNotice: null,
      titles: {},
    },
  }),
  // v3 records the chat type in the input of the agent run (tools bound to the chat need it)
  2: (snapshot) => withRunInput(snapshot, (input) => ({ ...input, chatType: snapshot.context.chatType })),
  // v4: pending messages carry the references of their files (`attachments`); older ones had none
  3: (snapshot) => {
    const c = snapshot.context;
    const context = {
      ...c,
      queue: withAttachments(c.queue),
      run: runWithAttachments(c.run),
      interrupted: withAttachments(c.interrupted),
      merging: withAttachments(c.merging),
      superseded: withAttachments(c.superseded),
      steered: withAttachments(c.steered),
    };
    return withRunInput({ ...snapshot, context }, (input) => ({
      ...input,
      run: runWithAttachments(input.run),
    }));
  },
  // v5: the agent may ask the user a question (`pendingClarification`); runs name the turn they answer
  4: (snapshot) =>
    withRunInput(
      {
        ...snapshot,
        context: { ...snapshot.context, run: runWithTurn(snapshot.context.run), pendingClarification: null },
      },
      (input) => ({ ...input, run: runWithTurn(input.run) }),
    ),
};

/** Whether a snapshot of `version` can be upgraded to the current session machine. */
export function canMigrateSession(version: number): boolean {
  if (version === SESSION_MACHINE_VERSION) return true;
  for (let v = version; v < SESSION_MACHINE_VERSION; v++) if (!STEPS[v]) return false;
  return version < SESSION_MACHINE_VERSION;
}

/**
 * Upgrades a persisted session snapshot of `version` to the current version.
 * The caller checks `canMigrateSession(version)` first.
 */
export function migrateSessionSnapshot(version: number, snapshot: unknown): unknown {
  let current = snapshot as PersistedSnapshot;
  for (let v = version; v < SESSION_MACHINE_VERSION; v++) current = STEPS[v]!(current);
  return current;
}
