/**
 * The two kinds of waiting HTTP request: one that answers with a single
 * `chat.completion` JSON object, and one that streams `chat.completion.chunk`
 * server-sent events. Both notice when their client goes away.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';
import {
  type CompletionIdentity,
  chatCompletionChunk,
  SSE_DONE,
  sseEvent,
  UNKNOWN_USAGE,
  usageChunk,
} from './completion-objects.ts';
import { openAIErrorBody } from './openai-errors.ts';
import type { ReplyOutcome, ReplyWaiter } from './pending-replies.ts';

/**
 * How a waiting request ended: with an outcome the route still has to send
 * (JSON answers, errors before a stream started), `streamed` when the event
 * stream already carried everything, or `gone` when the client disconnected.
 */
export type WaitResult = ReplyOutcome | { kind: 'streamed' } | { kind: 'gone' };

/** A waiter and the promise of its end. */
export interface WaitingRequest {
  waiter: ReplyWaiter;
  result: Promise<WaitResult>;
}

/** Milliseconds between SSE comment lines that keep an idle stream open through proxies. */
export const STREAM_HEARTBEAT_MS = 15_000;

/** Calls `onGone` once when the response closes before it was fully written. */
function watchDisconnect(reply: FastifyReply, onGone: () => void): void {
  const raw = reply.raw;
  raw.once('close', () => {
    if (!raw.writableEnded) onGone();
  });
  raw.on('error', onGone);
}

/**
 * A request answered with one `chat.completion` object. The waiter only
 * resolves `result`; the route writes the answer.
 */
export function createJsonWaiter(reply: FastifyReply, onGone: (waiter: ReplyWaiter) => void): WaitingRequest {
  let resolve!: (result: WaitResult) => void;
  const result = new Promise<WaitResult>((r) => {
    resolve = r;
  });
  const waiter: ReplyWaiter = {
    accept: () => {},
    delta: () => {},
    settle: (outcome) => resolve(outcome),
  };
  watchDisconnect(reply, () => {
    resolve({ kind: 'gone' });
    onGone(waiter);
  });
  return { waiter, result };
}

/** Options of a streaming request. */
export interface StreamWaiterOptions {
  identity: CompletionIdentity;
  /** The client asked for `stream_options.include_usage`: a usage chunk precedes `[DONE]`. */
  includeUsage: boolean;
  /** Called once when the client disconnected before the stream ended. */
  onGone: (waiter: ReplyWaiter) => void;
}

/**
 * A request answered with server-sent events. The event stream starts when
 * the gateway accepted the message (first chunk: `role: 'assistant'`), carries
 * one chunk per delta, and ends with a `finish_reason: 'stop'` chunk, the
 * optional usage chunk and `data: [DONE]`. A failure after the stream started
 * is sent as an error event followed by `[DONE]`; a failure before it started
 * is left to the route as a JSON error answer.
 */
export function createStreamWaiter(reply: FastifyReply, options: StreamWaiterOptions): WaitingRequest {
  const raw = reply.raw;
  const identity = options.identity;
  let state: 'waiting' | 'open' | 'closed' = 'waiting';
  let streamedText = '';
  let heartbeat: NodeJS.Timeout | undefined;
  let resolve!: (result: WaitResult) => void;
  const result = new Promise<WaitResult>((r) => {
    resolve = r;
  });

  const writable = () => !raw.destroyed && !raw.writableEnded;
  const write = (text: string) => {
    if (writable()) raw.write(text);
  };
  const writeDelta = (text: string) => {
    if (text === '') return;
    streamedText += text;
    write(sseEvent(chatCompletionChunk(identity, { content: text })));
  };
  const end = () => {
    state = 'closed';
    if (heartbeat !== undefined) clearInterval(heartbeat);
    if (writable()) raw.end();
    resolve({ kind: 'streamed' });
  };

  const waiter: ReplyWaiter = {
    accept(streamed) {
      if (state !== 'waiting') return;
      state = 'open';
      reply.hijack();
      const headers: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined) headers[name] = value;
      }
      raw.writeHead(200, {
        ...headers,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-accel-buffering': 'no',
      });
      write(sseEvent(chatCompletionChunk(identity, { role: 'assistant', content: '' })));
      for (const text of streamed) writeDelta(text);
      heartbeat = setInterval(() => write(': keep-alive\n\n'), STREAM_HEARTBEAT_MS);
      heartbeat.unref();
    },
    delta(text) {
      if (state === 'open') writeDelta(text);
    },
    settle(outcome) {
      if (state === 'closed') return;
      if (state === 'waiting') {
        if (outcome.kind === 'problem') {
          state = 'closed';
          resolve(outcome);
          return;
        }
        waiter.accept([]);
      }
      if (outcome.kind === 'problem') {
        write(sseEvent(openAIErrorBody(outcome.problem)));
      } else {
        // The final text completes what was streamed; a final text that does not
        // continue the streamed deltas cannot be taken back and is not repeated.
        if (outcome.text.startsWith(streamedText)) writeDelta(outcome.text.slice(streamedText.length));
        write(sseEvent(chatCompletionChunk(identity, {}, 'stop')));
        if (options.includeUsage) write(sseEvent(usageChunk(identity, outcome.usage ?? UNKNOWN_USAGE)));
      }
      write(SSE_DONE);
      end();
    },
  };

  watchDisconnect(reply, () => {
    if (state === 'closed') return;
    state = 'closed';
    if (heartbeat !== undefined) clearInterval(heartbeat);
    resolve({ kind: 'gone' });
    options.onGone(waiter);
  });
  return { waiter, result };
}
