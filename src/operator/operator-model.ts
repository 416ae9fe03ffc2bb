/**
 * What the operator page shows, as JSON: every platform with its breaker, every
 * live session with its queue and pending approval, every background task, each
 * with the state value its diagram highlights.
 */
import type { SessionView } from '../actors/session-directory.ts';
import type { BreakerView } from '../machines/breaker.ts';
import type { Gateway, GatewayObservation } from '../runtime/gateway-api.ts';
import type { InspectionFeed } from './inspection-feed.ts';

/** A platform row: its breaker as `/platform list` shows it, and the breaker's state value. */
export interface PlatformEntry extends BreakerView {
  value: unknown;
}

/** One message waiting in a session. */
export interface QueuedEntry {
  platformMessageId: string;
  userId: string;
  text: string;
  files: number;
}

/** A session row. */
export interface SessionEntry {
  sessionKey: string;
  platform: string;
  chatId: string;
  /** The state value (`idle`, `{ running: 'working' }`, ...). */
  value: unknown;
  /** Dotted state path, e.g. `running.awaitingApproval`. */
  path: string;
  active: boolean;
  /** Follow-ups waiting for their own turn, oldest first. */
  queue: QueuedEntry[];
  /** The messages the turn in flight answers. */
  running: QueuedEntry[];
  pendingApproval: { approvalId: string; command: string; reason: string } | null;
  lastError: string | null;
}

/** A background task row. */
export interface TaskEntry {
  taskId: string;
  state: string;
  value: unknown;
  prompt: string;
  chat: string;
  error: string | null;
}

/** Everything the page shows. */
export interface OperatorModel {
  gateway: string;
  platforms: PlatformEntry[];
  sessions: SessionEntry[];
  tasks: TaskEntry[];
}

/** Turns a dotted path into a state value: `running.working` → `{ running: 'working' }`. */
export function valueOfPath(path: string): unknown {
  const parts = path.split('.');
  let value: unknown = parts.pop();
  while (parts.length > 0) value = { [parts.pop() as string]: value };
  return value;
}

function queued(
  messages: readonly { platformMessageId: string; userId: string; text: string; attachments?: unknown[] }[],
) {
  return messages.map((m) => ({
    platformMessageId: m.platformMessageId,
    userId: m.userId,
    text: m.text,
    files: m.attachments?.length ?? 0,
  }));
}

/** The page's row of a session view. */
export function sessionEntry(view: SessionView): SessionEntry {
  const c = view.context;
  return {
    sessionKey: view.sessionKey,
    platform: c.platform,
    chatId: c.chatId,
    value: valueOfPath(view.path),
    path: view.path,
    active: view.active,
    queue: queued(c.queue ?? []),
    running: queued(c.run?.messages ?? []),
    pendingApproval: c.pendingApproval ?? null,
    lastError: c.lastError ?? null,
  };
}

/** The page's row of a platform. */
export function platformEntry(view: BreakerView, feed: InspectionFeed): PlatformEntry {
  return { ...view, value: feed.latest('breaker', view.platform)?.value ?? null };
}

/** The page's row of a background task. */
export function taskEntry(task: Extract<GatewayObservation, { type: 'task' }>['task']): TaskEntry {
  const origin = task.context.origin;
  return {
    taskId: task.taskId,
    state: task.state,
    value: task.state,
    prompt: task.context.prompt,
    chat: `${origin.platform}:${origin.chatId}`,
    error: task.context.error,
  };
}

/**
 * The whole model, now.
 *
 * @example
 * const model = operatorModel(gateway, feed);
 * model.sessions[0].queue; // what the session has not answered yet
 */
export function operatorModel(gateway: Gateway, feed: InspectionFeed): OperatorModel {
  return {
    gateway: String(gateway.actor.getSnapshot().value),
    platforms: gateway.platforms().map((p) => platformEntry(p, feed)),
    sessions: gateway.sessions().map(sessionEntry),
    tasks: gateway.backgroundTasks().map(taskEntry),
  };
}

/** A gateway observation as the page receives it; undefined for those it does not show (replies). */
export function observationEntry(
  observation: GatewayObservation,
  feed: InspectionFeed,
): { kind: 'platform' | 'session' | 'task' | 'gateway'; id: string; entry: unknown } | undefined {
  switch (observation.type) {
    case 'platform':
      return {
        kind: 'platform',
        id: observation.platform.platform,
        entry: platformEntry(observation.platform, feed),
      };
    case 'session':
      return {
        kind: 'session',
        id: observation.session.sessionKey,
        entry: sessionEntry(observation.session),
      };
    case 'task':
      return { kind: 'task', id: observation.task.taskId, entry: taskEntry(observation.task) };
    case 'gateway':
      return { kind: 'gateway', id: 'gateway', entry: observation.state };
    default:
      return undefined;
  }
}
