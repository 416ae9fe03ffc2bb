/**
 * A small in-memory wire for the kit's tests: it records every primitive call,
 * lets a test hold `connect` open, fail the next call with a chosen error, and
 * deliver a message as the platform would.
 */
import type {
  AdapterContext,
  AdapterLogger,
  Attachment,
  ChatRef,
  InboundMessage,
  MessageRef,
} from '../../../src/adapters/contract.ts';
import type {
  Failure,
  FileSendOptions,
  PlatformWire,
  SendOptions,
  WireContext,
} from '../../../src/adapters/kit/index.ts';

/** An error of the fake platform, with the HTTP-like status its classifier reads. */
export class FakePlatformError extends Error {
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;
  constructor(status: number, retryAfterSeconds?: number) {
    super(`fake platform answered ${status}`);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** One call the wire received. */
export type WireCall =
  | { op: 'sendText'; chat: ChatRef; text: string; replyTo?: string }
  | { op: 'sendFile'; chat: ChatRef; file: string; caption?: string; replyTo?: string }
  | { op: 'edit'; ref: MessageRef; text: string };

/** The in-memory wire; its primitives are chosen per test. */
export class MemoryWire implements PlatformWire {
  readonly name = 'memory';
  readonly limits: PlatformWire['limits'];
  readonly calls: WireCall[] = [];
  connects = 0;
  disconnects = 0;
  /** While set, `connect` waits for it. */
  gate: Promise<void> | undefined;
  /** The next primitive call throws it. */
  failNext: Error | undefined;
  ctx: WireContext | undefined;
  #ids = 0;

  constructor(limits: PlatformWire['limits'] = { maxMessageLength: 100, maxCaptionLength: 30 }) {
    this.limits = limits;
  }

  async connect(ctx: WireContext): Promise<void> {
    this.connects++;
    await this.gate;
    this.ctx = ctx;
  }

  async disconnect(): Promise<void> {
    this.disconnects++;
    this.ctx = undefined;
  }

  async sendText(chat: ChatRef, text: string, options: SendOptions): Promise<string> {
    this.#maybeFail();
    this.calls.push({ op: 'sendText', chat, text, ...(options.replyTo ? { replyTo: options.replyTo } : {}) });
    return `m${++this.#ids}`;
  }

  /** The platform delivers a user's message. */
  deliver(text: string): Promise<unknown> {
    if (!this.ctx) throw new Error('not connected');
    return this.ctx.ingest({
      platform: this.name,
      chatType: 'dm',
      chatId: 'c1',
      userId: 'u1',
      text,
      platformMessageId: `in-${++this.#ids}`,
    });
  }

  classify(error: unknown): Failure {
    if (!(error instanceof FakePlatformError)) return { reason: 'network', message: String(error) };
    if (error.status === 429) {
      return {
        reason: 'rate_limited',
        ...(error.retryAfterSeconds ? { retryAfterMs: error.retryAfterSeconds * 1000 } : {}),
      };
    }
    if (error.status === 401)
      return { reason: 'unauthorized', code: 'token_revoked', hint: 'check MEMORY_TOKEN' };
    if (error.status === 440) return { reason: 'logged_out' };
    if (error.status === 403) return { reason: 'forbidden', code: 'bot_blocked' };
    if (error.status >= 500) return { reason: 'upstream_5xx', code: `http_${error.status}` };
    return { reason: 'bad_request' };
  }

  maybeFail(): void {
    this.#maybeFail();
  }

  #maybeFail(): void {
    const error = this.failNext;
    this.failNext = undefined;
    if (error) throw error;
  }
}

/** Adds the file and edit primitives to a memory wire. */
export class FilesWire extends MemoryWire {
  async sendFile(chat: ChatRef, file: Attachment, options: FileSendOptions): Promise<string> {
    this.maybeFail();
    this.calls.push({
      op: 'sendFile',
      chat,
      file: file.fileName ?? '?',
      ...(options.caption ? { caption: options.caption } : {}),
      ...(options.replyTo ? { replyTo: options.replyTo } : {}),
    });
    return `f${this.calls.length}`;
  }

  async edit(ref: MessageRef, text: string): Promise<void> {
    this.maybeFail();
    this.calls.push({ op: 'edit', ref, text });
  }
}

/** An adapter context that records what the adapter did with it. */
export function recordingContext(controller = new AbortController()) {
  const ingested: InboundMessage[] = [];
  const reported: unknown[] = [];
  const log: AdapterLogger = { info() {}, warn() {}, error() {}, debug() {} };
  const ctx: AdapterContext = {
    signal: controller.signal,
    log,
    ingest: async (message) => {
      ingested.push(message);
      return { inboxId: ingested.length, duplicate: false, sessionKey: 's' };
    },
    reportError: (error) => reported.push(error),
  };
  return { ctx, controller, ingested, reported };
}
