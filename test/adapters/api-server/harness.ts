/**
 * Plays the gateway for the API server adapter's tests: a fake `AdapterContext`
 * whose `ingest` records each message, deduplicates on `platformMessageId`,
 * and answers asynchronously through `adapter.streamDelta` (a few pieces) and
 * `adapter.send` with the upper-cased text. Behaviour can be switched to
 * failing runs or to holding answers back until the test releases them.
 */
import { setImmediate as nextTick } from 'node:timers/promises';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import {
  type ApiServerAdapter,
  type ApiServerOptions,
  createApiServerAdapter,
} from '../../../src/adapters/api-server/index.ts';
import type {
  AdapterContext,
  InboundMessage,
  IngestResult,
  SendResult,
} from '../../../src/adapters/contract.ts';

/** The bearer key the harness starts the server with. */
export const TEST_KEY = 'test-key-0123456789abcdef';

/** How the fake gateway answers new messages. */
export type Behaviour = 'answer' | 'fail' | 'hold';

/** One log call the adapter made. */
export interface LogLine {
  level: 'info' | 'warn' | 'error' | 'debug';
  obj: object;
  msg: string | undefined;
}

/** The fake gateway around one adapter. */
export interface FakeGateway {
  ctx: AdapterContext;
  /** Messages accepted for the first time, in order. */
  accepted: InboundMessage[];
  /** Every call of `ingest`, duplicates included. */
  ingestCalls: InboundMessage[];
  logs: LogLine[];
  /** What `adapter.send` answered for each reply the fake gateway delivered. */
  sendResults: SendResult[];
  behaviour: Behaviour;
  /** Messages held back while `behaviour` is `hold`. */
  held: InboundMessage[];
  /** Streams the upper-cased text of `message` in pieces, then sends it (failed when asked). */
  answer(message: InboundMessage, opts?: { failed?: boolean; text?: string }): Promise<SendResult>;
  /** Aborts the context's signal, as the gateway does when it stops the adapter. */
  abort(): void;
  /** Resolves once `count` messages were accepted. */
  acceptedCount(count: number): Promise<void>;
  /** Resolves with the first log line (already written or still to come) whose message matches. */
  logLine(pattern: RegExp): Promise<LogLine>;
}

/** Splits a text into up to three pieces, in order. */
export function pieces(text: string): string[] {
  const third = Math.max(1, Math.ceil(text.length / 3));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += third) out.push(text.slice(i, i + third));
  return out;
}

/** The reply text the fake gateway gives to `text`. */
export function upper(text: string): string {
  return text.toUpperCase();
}

function createFakeGateway(getAdapter: () => ApiServerAdapter): FakeGateway {
  const seen = new Map<string, number>();
  const waiters: { count: number; resolve: () => void }[] = [];
  const abort = new AbortController();
  const logs: LogLine[] = [];
  const logWaiters: { pattern: RegExp; resolve: (line: LogLine) => void }[] = [];
  const logger = (level: LogLine['level']) => (obj: object, msg?: string) => {
    const line = { level, obj, msg };
    logs.push(line);
    for (const w of logWaiters.filter((w) => w.pattern.test(msg ?? ''))) {
      logWaiters.splice(logWaiters.indexOf(w), 1);
      w.resolve(line);
    }
  };

  const gateway: FakeGateway = {
    accepted: [],
    ingestCalls: [],
    logs,
    sendResults: [],
    behaviour: 'answer',
    held: [],
    ctx: {
      log: { info: logger('info'), warn: logger('warn'), error: logger('error'), debug: logger('debug') },
      signal: abort.signal,
      async ingest(message: InboundMessage): Promise<IngestResult> {
        gateway.ingestCalls.push(message);
        await nextTick();
        const sessionKey = message.sessionKey ?? `${message.platform}:${message.chatId}`;
        const existing = seen.get(message.platformMessageId);
        if (existing !== undefined) return { inboxId: existing, duplicate: true, sessionKey };
        const inboxId = seen.size + 1;
        seen.set(message.platformMessageId, inboxId);
        gateway.accepted.push(message);
        for (const w of waiters.filter((w) => gateway.accepted.length >= w.count)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
        if (gateway.behaviour === 'hold') gateway.held.push(message);
        else void gateway.answer(message, { failed: gateway.behaviour === 'fail' });
        return { inboxId, duplicate: false, sessionKey };
      },
    },
    async answer(message, opts = {}) {
      const adapter = getAdapter();
      const target = {
        chatId: message.chatId,
        chatType: message.chatType,
        sessionKey: message.sessionKey ?? '',
        inReplyTo: [message.platformMessageId],
      };
      const failed = opts.failed === true;
      const text = opts.text ?? (failed ? 'The model provider is unreachable' : upper(message.text));
      if (!failed) {
        for (const piece of pieces(text)) {
          await nextTick();
          adapter.streamDelta?.(target, piece);
        }
      }
      await nextTick();
      const result = await adapter.send({
        chatId: message.chatId,
        chatType: message.chatType,
        text,
        inReplyTo: [message.platformMessageId],
        idempotencyKey: `reply-${message.platformMessageId}`,
        sessionKey: target.sessionKey,
        ...(failed ? { failed: true } : {}),
      });
      gateway.sendResults.push(result);
      return result;
    },
    abort: () => abort.abort(),
    acceptedCount(count) {
      if (gateway.accepted.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    logLine(pattern) {
      const found = logs.find((line) => pattern.test(line.msg ?? ''));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => logWaiters.push({ pattern, resolve }));
    },
  };
  return gateway;
}

/** A started adapter with its fake gateway and clients. */
export interface Harness {
  adapter: ApiServerAdapter;
  gateway: FakeGateway;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** An official OpenAI SDK client for this server (no automatic retries). */
  client(apiKey?: string): OpenAI;
  /** `fetch` against this server with the bearer key set unless `headers` overrides it. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the adapter on 127.0.0.1 with a free port and the fake gateway. */
export async function startHarness(options: Partial<ApiServerOptions> = {}): Promise<Harness> {
  let adapter: ApiServerAdapter | undefined;
  const gateway = createFakeGateway(() => adapter!);
  adapter = createApiServerAdapter({ key: TEST_KEY, host: '127.0.0.1', port: 0, ...options });
  await adapter.start(gateway.ctx);
  const { port } = adapter.address();
  const origin = `http://127.0.0.1:${port}`;
  const started = adapter;
  return {
    adapter: started,
    gateway,
    origin,
    client: (apiKey = TEST_KEY) => new OpenAI({ baseURL: `${origin}/v1`, apiKey, maxRetries: 0 }),
    fetch: (path, init = {}) => {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${TEST_KEY}`);
      return fetch(`${origin}${path}`, { ...init, headers });
    },
    close: () => started.stop(),
  };
}

/** A valid, non-streaming chat completion body asking `text`. */
export function chatBody(text: string): ChatCompletionCreateParamsNonStreaming {
  return { model: 'hermes-agent', messages: [{ role: 'user', content: text }] };
}
