/**
 * A gateway in a child process for crash tests: SQLite at `$HERMES_TEST_DB`,
 * one chat platform spoken over IPC (the parent says messages, the child
 * reports every send), and a scripted agent:
 * - "slow …" works until it is interrupted;
 * - "stubborn …" needs two seconds to stop after it is interrupted;
 * - "approve-me …" asks the chat to approve a dangerous command first;
 * - "clarify-me …" asks the chat a question and answers with the reply;
 * - anything else is answered at once with "answer: <prompt>".
 */
import type { Adapter, AdapterContext, OutboundMessage } from '../../src/adapters/contract.ts';
import { NO_CAPABILITIES } from '../../src/adapters/contract.ts';
import type { Agent } from '../../src/agent/agent.ts';
import { AbortedError } from '../../src/errors.ts';
import type { RuntimeLogger } from '../../src/log/runtime-logger.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import { createGateway } from '../../src/runtime/create-gateway.ts';

/** Messages from the parent. */
export type ParentMessage = { type: 'say'; id: string; text: string } | { type: 'state' };

/** Messages to the parent. */
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'accepted'; id: string }
  | { type: 'sent'; key: string; text: string; inReplyTo: string[] }
  | { type: 'state'; path: string | null }
  | { type: 'log'; msg: string };

const send = (m: ChildMessage) => process.send?.(m);

const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve());
  });

const agent: Agent = {
  name: 'scripted',
  async run(request) {
    const prompt = request.messages.at(-1)!.content;
    if (prompt.includes('stubborn')) {
      await untilAborted(request.signal);
      await new Promise((r) => setTimeout(r, 2_000));
      throw new AbortedError();
    }
    if (prompt.includes('slow')) {
      await untilAborted(request.signal);
      throw new AbortedError();
    }
    if (prompt.includes('approve-me')) {
      const approved = await request.requestApproval?.({ command: 'rm -rf /', reason: 'test' });
      if (request.signal.aborted) throw new AbortedError();
      return { text: `approved: ${approved}`, usage: { inputTokens: 0, outputTokens: 0 }, messages: [] };
    }
    if (prompt.includes('clarify-me')) {
      const reply = await request.clarify?.({ question: 'Which one?', choices: ['this', 'that'] });
      if (request.signal.aborted) throw new AbortedError();
      return { text: `clarified: ${reply}`, usage: { inputTokens: 0, outputTokens: 0 }, messages: [] };
    }
    return { text: `answer: ${prompt}`, usage: { inputTokens: 0, outputTokens: 0 }, messages: [] };
  },
};

class IpcChat implements Adapter {
  readonly name = 'chat';
  readonly capabilities = { ...NO_CAPABILITIES };
  ctx: AdapterContext | undefined;
  async start(ctx: AdapterContext) {
    this.ctx = ctx;
  }
  async stop() {}
  async send(message: OutboundMessage) {
    send({ type: 'sent', key: message.idempotencyKey, text: message.text, inReplyTo: message.inReplyTo });
    return { platformMessageId: message.idempotencyKey };
  }
}

const log: RuntimeLogger = {
  info: (_o, msg) => send({ type: 'log', msg: msg ?? '' }),
  warn: (_o, msg) => send({ type: 'log', msg: msg ?? '' }),
  error: (_o, msg) => send({ type: 'log', msg: msg ?? '' }),
  debug: () => {},
  child: () => log,
};

const chat = new IpcChat();
const store = createSqliteStore({ path: process.env.HERMES_TEST_DB! });
const gateway = createGateway({
  store,
  agent,
  adapters: [chat],
  logger: log,
  closeStoreOnStop: true,
  // the test restarts far faster than a person would: the restart-loop guard is tested elsewhere
  settings: { busyInputMode: 'interrupt', restartLoopGuard: { boots: 100, windowMs: 60_000 } },
});

process.on('message', async (m: ParentMessage) => {
  if (m.type === 'say') {
    await chat.ctx!.ingest({
      platform: 'chat',
      chatType: 'dm',
      chatId: 'c',
      userId: 'u',
      text: m.text,
      platformMessageId: m.id,
    });
    send({ type: 'accepted', id: m.id });
  } else if (m.type === 'state') {
    const view = await gateway.session('chat:dm:c');
    send({ type: 'state', path: view?.path ?? null });
  }
});
process.on('SIGTERM', () => {
  void gateway.stop('SIGTERM').then(() => process.exit(0));
});

await gateway.start();
send({ type: 'ready' });
