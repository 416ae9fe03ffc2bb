/**
 * The gateway's reply path around one started adapter, without a gateway: a
 * store, the reply streams (a streamed answer edits one message) and the outbox
 * sender. Tests drive an answer piece by piece, then hand over the final text,
 * as a session's run does.
 */

import { OutboxSender } from '../../src/actors/outbox-sender.ts';
import type { Adapter, ChatRef, SendResult } from '../../src/adapters/contract.ts';
import { silentLogger } from '../../src/log/runtime-logger.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import type { OutboxRow, Store } from '../../src/persistence/store.ts';
import { Outbox, withOutbox } from '../../src/runtime/outbox.ts';
import { ReplyStreams, replyKey, type StreamRun } from '../../src/runtime/reply-streams.ts';

/** One answer on its way through the reply path. */
export interface ReplyPath {
  store: Store;
  streams: ReplyStreams;
  sender: OutboxSender;
  /** Every reply that settled, in order. */
  settled: OutboxRow[];
  /** Starts a run answering `inReplyTo` in `chat` and returns it. */
  begin(chat: ChatRef, inReplyTo: string[], runId?: string): StreamRun;
  /** Hands the run's final text to the outbox and waits until it was delivered. */
  finish(run: StreamRun, text: string): Promise<SendResult>;
  close(): Promise<void>;
}

/**
 * Builds the reply path for a started adapter.
 *
 * @example
 * const path = await replyPath(adapter);
 * const run = path.begin(chat, ['m1']);
 * path.streams.delta(run, 'Hel');
 * await path.finish(run, 'Hello');
 */
export async function replyPath(adapter: Adapter, store?: Store): Promise<ReplyPath> {
  const db = store ?? createMemoryStore();
  await db.migrate();
  const adapters = new Map([[adapter.name, adapter]]);
  const settled: OutboxRow[] = [];
  const sender = new OutboxSender({
    store: db,
    adapters,
    isUp: () => true,
    log: silentLogger,
    onSettled: (row) => settled.push(row),
  });
  // as in the gateway: the outbox facade wakes the sender once a reply is ready
  const streams = new ReplyStreams({
    store: withOutbox(db, new Outbox(db.outbox, (p) => sender.notify(p))),
    adapters,
    log: silentLogger,
  });
  await sender.start();
  let runs = 0;
  return {
    store: db,
    streams,
    sender,
    settled,
    begin(chat, inReplyTo, runId = `run-${++runs}`) {
      const run: StreamRun = {
        runId,
        resume: false,
        platform: adapter.name,
        sessionKey: `${adapter.name}:${chat.chatId}`,
        chat,
        inReplyTo,
      };
      streams.begin(run);
      return run;
    },
    async finish(run, text) {
      await streams.finish(run, {
        ...run.chat,
        text,
        inReplyTo: run.inReplyTo,
        idempotencyKey: replyKey(run.runId),
        sessionKey: run.sessionKey,
      });
      sender.notify(adapter.name);
      const key = replyKey(run.runId);
      for (let i = 0; i < 500 && !settled.some((r) => r.idempotencyKey === key); i++) {
        await new Promise((r) => setTimeout(r, 10));
        sender.notify(adapter.name);
      }
      const row = settled.find((r) => r.idempotencyKey === key);
      if (row?.status !== 'sent') throw new Error(`the reply ${key} was not delivered: ${row?.lastError}`);
      const [stored] = (await db.outbox.listByStatus(['sent'])).filter((r) => r.id === row.id);
      return { platformMessageId: stored?.platformMessageId ?? undefined };
    },
    async close() {
      streams.stop();
      await sender.stop(0);
      if (!store) await db.close();
    },
  };
}
