/**
 * The session effects of the `clarify` tool: the agent's question shown in the
 * chat (choices as numbered lines) with a durable timeout, the answer recorded
 * in the transcript, and the notice when nobody answered in time.
 */
import type {
  PendingClarification,
  PendingMessage,
  SessionContext,
  SessionEvent,
} from '../machines/session.ts';
import type { TimerRow } from '../persistence/store.ts';

/** How long a question waits for its answer when nothing is configured (`agent.clarify_timeout_seconds`). */
export const DEFAULT_CLARIFY_TIMEOUT_MS = 600_000;

/** Sent when nobody answered the agent's question in time. */
export const CLARIFY_TIMEOUT_NOTICE = '⌛ No answer in time — the agent goes on without it.';

/** The durable timer key of a session's pending question. */
export const clarifyTimerKey = (sessionKey: string) => `clarify:${sessionKey}`;

/**
 * The question as the chat shows it.
 *
 * @example
 * clarifyPrompt({ clarifyId: 'r#1:c1', question: 'Which one?', choices: ['staging', 'production'] }, 600_000)
 * // '❓ Which one?\n\n1. staging\n2. production\n\nReply with a number or your own answer (…10 min).'
 */
export function clarifyPrompt(pending: PendingClarification, timeoutMs: number): string {
  const minutes = Math.max(1, Math.round(timeoutMs / 60_000));
  const choices = pending.choices.map((choice, i) => `${i + 1}. ${choice}`).join('\n');
  const how =
    pending.choices.length > 0 ? 'Reply with a number or your own answer' : 'Reply with your answer';
  return (
    `❓ ${pending.question}\n\n${choices ? `${choices}\n\n` : ''}` +
    `${how}. Without an answer in ${minutes} min the agent goes on without it.`
  );
}

/** What the clarify effects need. */
export interface ClarifyEffectDeps {
  /** Enqueues a message to the session's chat through the outbox. */
  reply: (context: SessionContext, answered: PendingMessage[], key: string, text: string) => Promise<unknown>;
  /** Records a user message in the conversation's transcript. */
  appendUser: (context: SessionContext, message: PendingMessage) => Promise<unknown>;
  /** Closes inbox rows. */
  markDone: (inboxIds: number[]) => Promise<unknown>;
  timers?: { set(timer: TimerRow): Promise<void>; cancel(key: string): Promise<void> };
  now?: () => number;
  timeoutMs?: number;
  /** Runs the writes of one effect, logging a failure. */
  finish: (what: string, writes: Promise<unknown>[]) => void;
}

type ActionArgs = { context: SessionContext; event: SessionEvent };

/**
 * Creates the `askClarification`, `closeClarification` and
 * `notifyClarificationTimedOut` effects of the session machine.
 *
 * @example
 * const effects = { ...createClarifyEffects({ reply, appendUser, markDone, timers, now, finish }) };
 */
export function createClarifyEffects(deps: ClarifyEffectDeps) {
  const none = Promise.resolve();
  return {
    askClarification: ({ context, event }: ActionArgs) => {
      if (event.type !== 'AGENT.CLARIFY_REQUEST') return;
      const timeoutMs = deps.timeoutMs ?? DEFAULT_CLARIFY_TIMEOUT_MS;
      const pending = { clarifyId: event.clarifyId, question: event.question, choices: event.choices ?? [] };
      deps.finish('clarify question', [
        deps.reply(context, [], `${event.clarifyId}:ask`, clarifyPrompt(pending, timeoutMs)),
        deps.timers?.set({
          key: clarifyTimerKey(context.sessionKey),
          actorId: context.sessionKey,
          event: { type: 'CLARIFY.TIMEOUT', clarifyId: event.clarifyId },
          dueAt: (deps.now?.() ?? Date.now()) + timeoutMs,
        }) ?? none,
      ]);
    },
    closeClarification: ({ context, event }: ActionArgs) => {
      if (!context.pendingClarification) return;
      // the answer is part of the conversation: later turns see what the user chose
      const answer = event.type === 'MESSAGE' ? [event.message] : [];
      deps.finish('clarify answer', [
        deps.timers?.cancel(clarifyTimerKey(context.sessionKey)) ?? none,
        ...answer.map((m) => deps.appendUser(context, m)),
        deps.markDone(answer.map((m) => m.inboxId)),
      ]);
    },
    notifyClarificationTimedOut: ({ context }: ActionArgs) => {
      const pending = context.pendingClarification;
      if (!pending) return;
      deps.finish('clarify timeout', [
        deps.reply(context, [], `${pending.clarifyId}:timeout`, CLARIFY_TIMEOUT_NOTICE),
      ]);
    },
  };
}
