/**
 * The effects of the session machine: its named actions, bound to the store,
 * the adapters and the outbox. Every write goes through the store's group
 * commit, so the writes of one transition land in the same transaction as the
 * session's snapshot.
 */
import type { Adapter, ChatType, OutboundMessage } from '../adapters/contract.ts';
import { errorText, type RuntimeLogger } from '../log/runtime-logger.ts';
import type { ProvidedEffects } from '../machines/provided-effects.ts';
import {
  answeredBy,
  type BusyMode,
  NO_WORDS,
  type PendingMessage,
  type RunResult,
  type SessionContext,
  type SessionEffectName,
  type SessionEvent,
  type SessionMachine,
  YES_WORDS,
} from '../machines/session.ts';
import type { Store, TimerRow } from '../persistence/store.ts';
import { createClarifyEffects } from './clarify-effects.ts';
import type { ReplyStreams, StreamRun } from './reply-streams.ts';
import { nextReset, type ResetPolicy } from './reset-policy.ts';
import type { ToolProgress } from './tool-progress.ts';

/** Sent to a chat whose run a shutdown interrupts. */
export const RESTART_NOTICE =
  "⚠️ Gateway restarting — your current task will be interrupted. Send any message after restart and I'll try to resume where you left off.";

/** Sent when a turn was cut off by too many restarts in a row and the session starts fresh. */
export const SUSPENDED_NOTICE =
  '⚠️ Your previous task was interrupted by several gateway restarts in a row, so I set it aside and started a fresh conversation. Your new message is answered below.';

/** The acknowledgement of a message that arrived while the agent works, by busy-input mode. */
export const BUSY_ACKS: Record<BusyMode, string> = {
  interrupt: '⚡ Interrupting — I will answer your new message together with the previous one.',
  queue: '⏳ Queued — I will get to it when the current task is done.',
  steer: '⏩ Steering — I will pass that on to the agent after its next step.',
};

/** The one-time tip that comes with the first busy acknowledgement of an install. */
export const BUSY_MODE_TIP =
  'Tip: set display.busy_input_mode in config.yaml to interrupt, queue or steer to choose what a message does while I am working (/queue and /steer work whatever the mode).';

/** What the effects need from the runtime. */
export interface SessionEffectDeps {
  store: Store;
  adapters: ReadonlyMap<string, Adapter>;
  log: RuntimeLogger;
  /** Whether busy acknowledgements are sent (`display.busy_ack_enabled`, default true). */
  busyAckEnabled?: () => boolean;
  /** True once per install: the first acknowledgement carries `BUSY_MODE_TIP`. */
  takeBusyTip?: () => boolean;
  /** Durable timers (the approval timeout). */
  timers?: { set(timer: TimerRow): Promise<void>; cancel(key: string): Promise<void> };
  /** Clock (epoch ms). */
  now?: () => number;
  /** How long an approval waits before it is denied (default 5 min). */
  approvalTimeoutMs?: number;
  /** How long the agent's question waits for an answer (`agent.clarify_timeout_seconds`, default 10 min). */
  clarifyTimeoutMs?: number;
  /** The reset policy of a chat (default: none). */
  resetPolicy?: (platform: string, chatType: ChatType) => ResetPolicy | undefined;
  /** Tool progress bubbles (`display.tool_progress`); none when absent. */
  toolProgress?: Pick<ToolProgress, 'tool' | 'finish'>;
  /**
   * Streamed answers kept in the outbox; without it, answers are streamed only to adapters that
   * stream natively (`streamDelta`) and every reply is enqueued whole.
   */
  replies?: Pick<ReplyStreams, 'begin' | 'delta' | 'finish' | 'close' | 'abandon'>;
  /** The transcript text of a user message (its files named after the words); the bare text when absent. */
  userTurnText?: (context: SessionContext, message: PendingMessage) => string;
}

/** The durable timer key of a session's automatic reset. */
export const resetTimerKey = (sessionKey: string) => `reset:${sessionKey}`;

/** What the user is told on the first message after an automatic reset. */
export function resetNotice(reason: 'idle' | 'daily', policy: ResetPolicy | undefined): string {
  const why =
    reason === 'idle'
      ? `after ${formatMinutes(policy?.idleMinutes ?? 0)} without messages`
      : `at the daily reset (${String(policy?.atHour ?? 4).padStart(2, '0')}:00)`;
  return `🔄 Fresh start: the previous conversation was put aside ${why}. Send /resume to continue it.`;
}

function formatMinutes(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}

/** The durable timer key of a session's pending approval. */
export const approvalTimerKey = (sessionKey: string) => `approval:${sessionKey}`;

type ActionArgs = { context: SessionContext; event: SessionEvent };

/** Every effect the session machine names, as the machine's `provide` types it. */
export type SessionEffects = ProvidedEffects<SessionMachine, SessionEffectName>;

/**
 * Creates the session machine's effect actions.
 *
 * @example
 * sessionMachine.provide({ actions: createSessionEffects({ store, adapters, log }) })
 */
export function createSessionEffects(deps: SessionEffectDeps): SessionEffects {
  const { store, log } = deps;
  const guard = (what: string, promise: Promise<unknown>) =>
    promise.catch((error) => log.error({ err: errorText(error) }, `Failed to persist ${what}`));

  const reply = (
    context: SessionContext,
    answered: PendingMessage[],
    key: string,
    text: string,
    extra: Pick<OutboundMessage, 'failed' | 'usage' | 'attachments'> = {},
  ) => {
    const message: OutboundMessage = {
      chatId: context.chatId,
      chatType: context.chatType,
      ...(context.threadId ? { threadId: context.threadId } : {}),
      text,
      inReplyTo: answered.map((m) => m.platformMessageId),
      idempotencyKey: key,
      sessionKey: context.sessionKey,
      ...extra,
    };
    return store.outbox.enqueue(context.platform, message);
  };

  const answered = answeredBy;

  /** The run in flight as the reply streams see it. */
  const streamRun = (context: SessionContext): StreamRun | undefined =>
    context.run
      ? {
          runId: context.run.runId,
          resume: context.run.resume,
          platform: context.platform,
          sessionKey: context.sessionKey,
          chat: {
            chatId: context.chatId,
            chatType: context.chatType,
            ...(context.threadId ? { threadId: context.threadId } : {}),
          },
          inReplyTo: answered(context).map((m) => m.platformMessageId),
        }
      : undefined;

  /** Records a user message in the conversation's transcript (what the user wrote, see `transcriptText`). */
  const appendUser = (context: SessionContext, pending: PendingMessage) => {
    const m = pending.transcriptText === undefined ? pending : { ...pending, text: pending.transcriptText };
    return store.transcript.append({
      sessionKey: context.sessionKey,
      conversationId: context.conversationId,
      role: 'user',
      content: deps.userTurnText?.(context, m) ?? m.text,
      inputTokens: 0,
      outputTokens: 0,
      model: null,
      inboxId: m.inboxId,
    });
  };

  /** The answer of the run: through the reply streams (a streamed message is edited to it) or enqueued. */
  const finalReply = (context: SessionContext, messages: PendingMessage[], result: RunResult) => {
    const run = streamRun(context) as StreamRun;
    const message: OutboundMessage = {
      ...run.chat,
      text: result.text,
      inReplyTo: messages.map((m) => m.platformMessageId),
      idempotencyKey: `${run.runId}:reply`,
      sessionKey: context.sessionKey,
      usage: { inputTokens: result.inputTokens, outputTokens: result.outputTokens },
      ...(result.attachments?.length ? { attachments: result.attachments } : {}),
    };
    return deps.replies ? deps.replies.finish(run, message) : store.outbox.enqueue(context.platform, message);
  };

  // the outbox facade wakes the sender when a reply commits
  const finish = (what: string, writes: Promise<unknown>[]) => guard(what, Promise.all(writes));

  return {
    ...createClarifyEffects({
      reply,
      appendUser,
      markDone: (ids) => store.inbox.setStatus(ids, 'done'),
      ...(deps.timers ? { timers: deps.timers } : {}),
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.clarifyTimeoutMs === undefined ? {} : { timeoutMs: deps.clarifyTimeoutMs }),
      finish,
    }),
    acceptMessage: ({ event }: ActionArgs) => {
      if (event.type !== 'MESSAGE') return;
      void guard('inbox status', store.inbox.setStatus([event.message.inboxId], 'delivered'));
    },
    recordUserTurn: ({ context }: ActionArgs) => {
      for (const m of context.run?.messages ?? []) void guard('user turn', appendUser(context, m));
      const run = streamRun(context);
      if (run) deps.replies?.begin(run);
    },
    streamDelta: ({ context, event }: ActionArgs) => {
      if (event.type !== 'AGENT.DELTA') return;
      const run = streamRun(context);
      if (!run) return;
      try {
        if (deps.replies) {
          deps.replies.delta(run, event.text);
          return;
        }
        const adapter = deps.adapters.get(context.platform);
        if (!adapter?.capabilities.streaming || !adapter.streamDelta) return;
        adapter.streamDelta(
          { ...run.chat, sessionKey: run.sessionKey, inReplyTo: run.inReplyTo },
          event.text,
        );
      } catch (error) {
        log.warn({ platform: context.platform, err: errorText(error) }, 'Streaming a delta failed');
      }
    },
    reportTool: ({ context, event }: ActionArgs) => {
      if (event.type !== 'AGENT.TOOL') return;
      log.debug({ sessionKey: context.sessionKey, tool: event.name, phase: event.phase }, 'Tool event');
      const { sessionKey, platform, chatId, chatType, threadId } = context;
      deps.toolProgress?.tool(
        { sessionKey, platform, chatId, chatType, ...(threadId ? { threadId } : {}) },
        event,
      );
    },
    commitTurn: ({ context, event }: ActionArgs) => {
      if (event.type !== 'AGENT.DONE' || !context.run) return;
      const result: RunResult = event.result;
      const taken = new Set(event.steeredTaken ?? []);
      const steered = context.steered.filter((m) => taken.has(m.inboxId));
      const messages = [...answered(context), ...steered];
      deps.toolProgress?.finish(context.sessionKey, { ok: true, replyKey: `${context.run.runId}:reply` });
      finish('turn', [
        ...steered.map((m) => appendUser(context, m)),
        store.transcript.append({
          sessionKey: context.sessionKey,
          conversationId: context.conversationId,
          role: 'assistant',
          content: result.text,
          inputTokens: result.inputTokens,
          outputTokens: result.outputTokens,
          model: result.model,
          inboxId: messages.at(-1)?.inboxId ?? null,
        }),
        finalReply(context, messages, result),
        store.inbox.setStatus(
          messages.map((m) => m.inboxId),
          'done',
        ),
      ]);
    },
    reportFailure: ({ context, event }: ActionArgs) => {
      if (!context.run) return;
      const error = errorText((event as { error?: unknown }).error ?? 'unknown error');
      const messages = answered(context);
      deps.toolProgress?.finish(context.sessionKey, { ok: false });
      deps.replies?.close(context.sessionKey);
      finish('failure', [
        reply(context, messages, `${context.run.runId}:failed`, `⚠️ The agent failed: ${error}`, {
          failed: true,
        }),
        store.inbox.setStatus(
          messages.map((m) => m.inboxId),
          'done',
        ),
      ]);
    },
    notifyInterrupted: ({ context }: ActionArgs) => {
      if (!context.run) return;
      deps.toolProgress?.finish(context.sessionKey, { ok: false });
      // the draft stays: the run that resumes the turn edits the message the user already sees
      deps.replies?.close(context.sessionKey, true);
      finish('restart notice', [
        reply(context, answered(context), `${context.run.runId}:interrupted`, RESTART_NOTICE),
      ]);
    },
    sendBusyAck: ({ context, event }: ActionArgs) => {
      if (event.type !== 'MESSAGE' || deps.busyAckEnabled?.() === false) return;
      const mode = event.mode ?? 'queue';
      const tip = deps.takeBusyTip?.() ? `\n\n${BUSY_MODE_TIP}` : '';
      finish('busy acknowledgement', [
        reply(context, [], `ack:${event.message.inboxId}`, BUSY_ACKS[mode] + tip),
      ]);
    },
    notifyQueueFull: ({ context, event }: ActionArgs) => {
      if (event.type !== 'MESSAGE') return;
      finish('queue overflow notice', [
        reply(
          context,
          [event.message],
          `queue-full:${event.message.inboxId}`,
          `⚠️ The queue is full (${context.queue.length} waiting), so this message was not queued. Send it again when I am done, or /stop the current task.`,
        ),
        store.inbox.setStatus([event.message.inboxId], 'done'),
      ]);
    },
    notifyStopped: ({ context }: ActionArgs) => {
      if (!context.run) return;
      const dropped = [...context.queue, ...context.merging];
      const text =
        dropped.length > 0 ? `⏹ Stopped. ${dropped.length} waiting message(s) were dropped.` : '⏹ Stopped.';
      finish('stop notice', [
        reply(context, [...answered(context), ...dropped], `${context.run.runId}:stopped`, text),
        store.inbox.setStatus(
          dropped.map((m) => m.inboxId),
          'done',
        ),
      ]);
    },
    closeStoppedTurn: ({ context }: ActionArgs) => {
      deps.toolProgress?.finish(context.sessionKey, { ok: false });
      deps.replies?.close(context.sessionKey);
      const ids = [...answered(context), ...context.steered].map((m) => m.inboxId);
      if (ids.length) void guard('inbox status', store.inbox.setStatus(ids, 'done'));
    },
    scheduleReset: ({ context }: ActionArgs) => {
      if (!deps.timers) return;
      const policy = deps.resetPolicy?.(context.platform, context.chatType);
      const next = policy ? nextReset(policy, deps.now?.() ?? Date.now()) : undefined;
      const key = resetTimerKey(context.sessionKey);
      void guard(
        'reset timer',
        next
          ? deps.timers.set({
              key,
              actorId: context.sessionKey,
              event: { type: 'SESSION.RESET', reason: next.reason },
              dueAt: next.at,
            })
          : deps.timers.cancel(key),
      );
    },
    notifyReset: ({ context, event }: ActionArgs) => {
      if (event.type !== 'MESSAGE' || !context.resetNotice) return;
      const policy = deps.resetPolicy?.(context.platform, context.chatType);
      finish('reset notice', [
        reply(context, [], `reset-notice:${event.message.inboxId}`, resetNotice(context.resetNotice, policy)),
      ]);
    },
    askApproval: ({ context, event }: ActionArgs) => {
      if (event.type !== 'AGENT.APPROVAL_REQUEST') return;
      const timeoutMs = deps.approvalTimeoutMs ?? 300_000;
      const minutes = Math.max(1, Math.round(timeoutMs / 60_000));
      const text =
        `⚠️ Approval needed — the agent wants to run:\n\n    ${event.command}\n\n` +
        `It ${event.reason}. Reply /approve or /deny (or yes / no). Without an answer it is denied in ${minutes} min.`;
      finish('approval prompt', [
        reply(context, [], `${event.approvalId}:ask`, text),
        deps.timers?.set({
          key: approvalTimerKey(context.sessionKey),
          actorId: context.sessionKey,
          event: { type: 'APPROVAL.TIMEOUT', approvalId: event.approvalId },
          dueAt: (deps.now?.() ?? Date.now()) + timeoutMs,
        }) ?? Promise.resolve(),
      ]);
    },
    closeApproval: ({ context, event }: ActionArgs) => {
      const pending = context.pendingApproval;
      if (!pending) return;
      const word = event.type === 'MESSAGE' ? event.message.text.trim() : '';
      const approved = event.type === 'APPROVAL.RESOLVE' ? event.approved : YES_WORDS.test(word);
      // a yes / no word is answered by the confirmation; any other message goes on to its own handling
      const answering =
        event.type === 'MESSAGE' && (YES_WORDS.test(word) || NO_WORDS.test(word)) ? [event.message] : [];
      const text = approved ? '✅ Approved — running it.' : '🚫 Denied — the command was not run.';
      finish('approval answer', [
        deps.timers?.cancel(approvalTimerKey(context.sessionKey)) ?? Promise.resolve(),
        reply(context, answering, `${pending.approvalId}:answer`, text),
        store.inbox.setStatus(
          answering.map((m) => m.inboxId),
          'done',
        ),
      ]);
    },
    notifyApprovalTimedOut: ({ context }: ActionArgs) => {
      const pending = context.pendingApproval;
      if (!pending) return;
      finish('approval timeout', [
        reply(context, [], `${pending.approvalId}:timeout`, '⌛ No answer in time — the command was denied.'),
      ]);
    },
    notifySuspended: ({ context, event }: ActionArgs) => {
      if (event.type !== 'MESSAGE') return;
      const dropped = (context.interrupted ?? []).map((m) => m.inboxId);
      finish('suspension notice', [
        reply(context, context.interrupted ?? [], `suspended:${event.message.inboxId}`, SUSPENDED_NOTICE),
        store.inbox.setStatus(dropped, 'done'),
      ]);
    },
    abandonInterrupted: ({ context }: ActionArgs) => {
      if (deps.replies) void guard('streamed reply', deps.replies.abandon(context.sessionKey));
      const ids = (context.interrupted ?? []).map((m) => m.inboxId);
      if (ids.length) void guard('inbox status', store.inbox.setStatus(ids, 'done'));
    },
  } satisfies SessionEffects;
}
