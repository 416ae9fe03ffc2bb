/**
 * An in-memory platform adapter for tests: it implements the adapter contract,
 * records every send, and lets a test play a user writing to the gateway
 * (`receive()` goes through `ctx.ingest`, as a real adapter's updates do).
 * Sends, reconciliation and start can be replaced to simulate a failing,
 * slow or reconciling platform.
 */
import {
  type Adapter,
  type AdapterCapabilities,
  type AdapterContext,
  type Attachment,
  type ChatType,
  type InboundMessage,
  type IngestResult,
  NO_CAPABILITIES,
  type OutboundMessage,
  type ReconcileResult,
  type SendResult,
  type StreamTarget,
} from '../../src/adapters/contract.ts';
import { GatewayError } from '../../src/errors.ts';

/** Options of `MemoryAdapter`. */
export interface MemoryAdapterOptions {
  /** Adapter name and platform of its messages (default `memory`). */
  name?: string;
  /** Capabilities on top of none (`reconcile` is turned on when `reconcile` is given). */
  capabilities?: Partial<AdapterCapabilities>;
  /**
   * Replaces delivery: called for every send attempt with its 1-based number
   * for that idempotency key. Throw an `AdapterError` to fail it. Default: the
   * message is delivered with the id `<name>-out-<n>`.
   */
  send?: (message: OutboundMessage, attempt: number) => Promise<SendResult>;
  /** Answers whether a reply whose outcome is unknown was delivered. */
  reconcile?: (message: OutboundMessage) => Promise<ReconcileResult>;
  /** Replaces start (e.g. to fail it). */
  start?: (ctx: AdapterContext) => Promise<void>;
}

/** What a simulated user writes; everything but the text has a default. */
export interface IncomingText {
  text: string;
  chatId?: string;
  chatType?: ChatType;
  threadId?: string;
  userId?: string;
  userName?: string;
  /** Default: `in-<n>`, counted per adapter instance (a new instance starts again at `in-1`). */
  platformMessageId?: string;
  /** Files sent with the text. */
  attachments?: Attachment[];
}

/**
 * A platform adapter that lives in memory.
 *
 * @example
 * const chat = new MemoryAdapter({ name: 'chat' });
 * const gateway = createGateway({ store, agent: createEchoAgent(), adapters: [chat] });
 * await gateway.start();
 * await chat.receive({ chatId: '1', text: 'hi' });
 * await chat.waitForSent(1); // chat.sent[0].text === 'hi'
 */
export class MemoryAdapter implements Adapter {
  readonly name: string;
  readonly capabilities: AdapterCapabilities;
  /** Replies delivered, in order. */
  readonly sent: OutboundMessage[] = [];
  /** Every send attempt (delivered or not), in order. */
  readonly attempts: OutboundMessage[] = [];
  /** Replies checked with `reconcile`, in order. */
  readonly reconciled: OutboundMessage[] = [];
  /** Streamed pieces, in order. */
  readonly streamed: { target: StreamTarget; text: string }[] = [];
  readonly #options: MemoryAdapterOptions;
  readonly #failureListeners: ((error: Error) => void)[] = [];
  readonly #attemptsByKey = new Map<string, number>();
  #ctx: AdapterContext | undefined;
  #nextInbound = 1;
  #nextOutbound = 1;

  constructor(options: MemoryAdapterOptions = {}) {
    this.#options = options;
    this.name = options.name ?? 'memory';
    this.capabilities = {
      ...NO_CAPABILITIES,
      ...options.capabilities,
      ...(options.reconcile ? { reconcile: true } : {}),
    };
    if (options.reconcile) this.reconcile = this.#reconcile;
  }

  /** Whether the gateway started the adapter and has not stopped it. */
  get running(): boolean {
    return this.#ctx !== undefined;
  }

  async start(ctx: AdapterContext): Promise<void> {
    if (this.#options.start) await this.#options.start(ctx);
    this.#ctx = ctx;
  }

  async stop(): Promise<void> {
    this.#ctx = undefined;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    this.attempts.push(message);
    const attempt = (this.#attemptsByKey.get(message.idempotencyKey) ?? 0) + 1;
    this.#attemptsByKey.set(message.idempotencyKey, attempt);
    const result = this.#options.send
      ? await this.#options.send(message, attempt)
      : { platformMessageId: `${this.name}-out-${this.#nextOutbound++}` };
    this.sent.push(message);
    return result;
  }

  streamDelta(target: StreamTarget, text: string): void {
    this.streamed.push({ target, text });
  }

  /** Set when the `reconcile` option is given. */
  reconcile?: (message: OutboundMessage) => Promise<ReconcileResult>;

  /** Downloads an attachment that came as a url; set it to play a platform's file download. */
  fetchAttachment?: (attachment: Attachment) => Promise<Uint8Array>;

  onFailure(listener: (error: Error) => void): void {
    this.#failureListeners.push(listener);
  }

  /** Simulates a dropped connection that cannot recover. */
  fail(error: Error): void {
    for (const listener of this.#failureListeners) listener(error);
  }

  /** Reports a failure the adapter works around itself (a dropped websocket, a 429), as a real adapter does. */
  reportError(error: unknown): void {
    this.#ctx?.reportError?.(error);
  }

  /** A user writes to the gateway; resolves once the message is durably accepted. */
  receive(incoming: IncomingText): Promise<IngestResult> {
    if (!this.#ctx) {
      throw new GatewayError('GATEWAY_ERR_STATE', `The ${this.name} adapter is not started`);
    }
    return this.#ctx.ingest(this.inbound(incoming));
  }

  /** The normalised message `receive()` hands to the gateway. */
  inbound(incoming: IncomingText): InboundMessage {
    const chatId = incoming.chatId ?? '1';
    return {
      platform: this.name,
      chatType: incoming.chatType ?? 'dm',
      chatId,
      ...(incoming.threadId ? { threadId: incoming.threadId } : {}),
      userId: incoming.userId ?? chatId,
      ...(incoming.userName ? { userName: incoming.userName } : {}),
      text: incoming.text,
      ...(incoming.attachments ? { attachments: incoming.attachments } : {}),
      platformMessageId: incoming.platformMessageId ?? `in-${this.#nextInbound++}`,
    };
  }

  /** Texts delivered to one chat, in order. */
  textsTo(chatId: string): string[] {
    return this.sent.filter((m) => m.chatId === chatId).map((m) => m.text);
  }

  /** Waits (bounded) until at least `count` replies were delivered; returns them. */
  async waitForSent(count: number, timeoutMs = 10_000): Promise<OutboundMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.sent.length < count) {
      if (Date.now() > deadline) {
        throw new Error(
          `${this.name}: ${this.sent.length} of ${count} replies delivered within ${timeoutMs} ms: ${JSON.stringify(this.sent.map((m) => m.text))}`,
        );
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.sent;
  }

  #reconcile = async (message: OutboundMessage): Promise<ReconcileResult> => {
    this.reconciled.push(message);
    return this.#options.reconcile!(message);
  };
}
