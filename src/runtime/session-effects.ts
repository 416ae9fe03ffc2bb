/**
 * The effects of the session machine: its named actions, bound to the store,
 * the adapters and the outbox. Every write goes through the store's group
 * commit, so the writes of one transition land in the same transaction as the
 * session's snapshot.
 */
import type { Adapter, OutboundMessage } from '../adapters/contract.ts';
import type { PendingMessage, RunResult, SessionContext, SessionEvent } from '../machines/session.ts';
import type { Store } from '../persistence/store.ts';
import { errorText, type RuntimeLogger } from './logger.ts';

/** Sent to a chat whose run a shutdown interrupts. */
export const RESTART_NOTICE =
  "⚠️ Gateway restarting — your current task will be interrupted. Send any message after restart and I'll try to resume where you left off.";

/** What the effects need from the runtime. */
export interface SessionEffectDeps {
  store: Store;
  adapters: ReadonlyMap<string, Adapter>;
  log: RuntimeLogger;
  /** Called after new outbox rows committed. */
  onOutbox: () => void;
}

type ActionArgs = { context: SessionContext; event: SessionEvent };

/**
 * Creates the session machine's effect actions.
 *
 * @example
 * sessionMachine.provide({ actions: createSessionEffects({ store, adapters, log, onOutbox }) })
 */
export function createSessionEffects(deps: SessionEffectDeps) {
  const { store, log } = deps;
  const guard = (what: string, promise: Promise<unknown>) =>
    promise.catch((error) => log.error({ err: errorText(error) }, `Failed to persist ${what}`));

  const reply = (
    context: SessionContext,
    answered: PendingMessage[],
    key: string,
    text: string,
    extra: Pick<OutboundMessage, 'failed' | 'usage'> = {},
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

  const answered = (context: SessionContext): PendingMessage[] => [
    ...(context.run?.resume ? (context.interrupted ?? []) : []),
    ...(context.run?.messages ?? []),
  ];

  const finish = (what: string, writes: Promise<unknown>[]) =>
    guard(
      what,
      Promise.all(writes).then(() => deps.onOutbox()),
    );

  return {
    acceptMessage: ({ event }: ActionArgs) => {
      if (event.type !== 'MESSAGE') return;
      void guard('inbox status', store.inbox.setStatus([event.message.inboxId], 'delivered'));
    },
    recordUserTurn: ({ context }: ActionArgs) => {
      for (const m of context.run?.messages ?? []) {
        void guard(
          'user turn',
          store.transcript.append({
            sessionKey: context.sessionKey,
            conversationId: context.conversationId,
            role: 'user',
            content: m.text,
            inputTokens: 0,
            outputTokens: 0,
            model: null,
            inboxId: m.inboxId,
          }),
        );
      }
    },
    streamDelta: ({ context, event }: ActionArgs) => {
      if (event.type !== 'AGENT.DELTA') return;
      const adapter = deps.adapters.get(context.platform);
      if (!adapter?.capabilities.streaming || !adapter.streamDelta) return;
      try {
        adapter.streamDelta(
          {
            chatId: context.chatId,
            ...(context.threadId ? { threadId: context.threadId } : {}),
            sessionKey: context.sessionKey,
            inReplyTo: answered(context).map((m) => m.platformMessageId),
          },
          event.text,
        );
      } catch (error) {
        log.warn({ platform: context.platform, err: errorText(error) }, 'Streaming a delta failed');
      }
    },
    reportTool: ({ context, event }: ActionArgs) => {
      if (event.type !== 'AGENT.TOOL') return;
      log.debug({ sessionKey: context.sessionKey, tool: event.name, phase: event.phase }, 'Tool event');
    },
    commitTurn: ({ context, event }: ActionArgs) => {
      if (event.type !== 'AGENT.DONE' || !context.run) return;
      const result: RunResult = event.result;
      const messages = answered(context);
      finish('turn', [
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
        reply(context, messages, `${context.run.runId}:reply`, result.text, {
          usage: { inputTokens: result.inputTokens, outputTokens: result.outputTokens },
        }),
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
      finish('restart notice', [
        reply(context, answered(context), `${context.run.runId}:interrupted`, RESTART_NOTICE),
      ]);
    },
    abandonInterrupted: ({ context }: ActionArgs) => {
      const ids = (context.interrupted ?? []).map((m) => m.inboxId);
      if (ids.length) void guard('inbox status', store.inbox.setStatus(ids, 'done'));
    },
  };
}
