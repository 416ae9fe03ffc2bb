/**
 * The kit: makes the runtime's `Adapter` from a platform's wire. It owns the
 * lifecycle (start, stop, stop during start, abort through `ctx.signal`, start
 * after stop), the one failure channel to the breaker, reply composition at the
 * platform's limits, and the capabilities, derived from the wire's primitives.
 */
import { AdapterError, GatewayError } from '../../errors.ts';
import type {
  Adapter,
  AdapterCapabilities,
  AdapterContext,
  Attachment,
  ChatRef,
  CommandInfo,
  MessageRef,
  OutboundMessage,
  ReconcileResult,
  SendResult,
} from '../contract.ts';
import { splitMessage } from '../shared/split-message.ts';
import { capabilitiesOf } from './capabilities.ts';
import { composeReply } from './compose.ts';
import { DownloadError } from './download.ts';
import { failureError } from './failure.ts';
import type { PlatformWire, WireContext } from './wire.ts';

type SendFile = NonNullable<PlatformWire['sendFile']>;
type SendFiles = NonNullable<PlatformWire['sendFiles']>;

/** Everything that lives from `start` to `stop`. */
interface Running {
  ctx: AdapterContext;
  controller: AbortController;
  /** Settles when `connect` did. */
  connected: Promise<void>;
  onAbort: () => void;
}

/**
 * The runtime's adapter around a wire. Platforms with extra surface (a webhook
 * address, the bot's identity) subclass it and read `this.wire`.
 *
 * @example
 * class EchoAdapter extends KitAdapter<EchoWire> {
 *   constructor(options: EchoOptions) { super(new EchoWire(options)); }
 * }
 */
export class KitAdapter<W extends PlatformWire = PlatformWire> implements Adapter {
  readonly name: string;
  readonly capabilities: AdapterCapabilities;
  readonly editIntervalMs?: number;
  readonly edit?: (ref: MessageRef, text: string) => Promise<void>;
  readonly delete?: (ref: MessageRef) => Promise<void>;
  readonly react?: (ref: MessageRef, emoji: string) => Promise<void>;
  readonly sendTyping?: (chat: ChatRef) => Promise<void>;
  readonly setCommands?: (commands: CommandInfo[]) => Promise<void>;
  readonly fetchAttachment?: (attachment: Attachment) => Promise<Uint8Array>;
  readonly reconcile?: (message: OutboundMessage) => Promise<ReconcileResult>;
  /** The platform's wire. */
  protected readonly wire: W;
  readonly #failureListeners = new Set<(error: Error) => void>();
  #running: Running | undefined;
  /** The stop in progress; a new start waits for it. */
  #stopping: Promise<void> | undefined;

  constructor(wire: W) {
    this.wire = wire;
    this.name = wire.name;
    this.capabilities = capabilitiesOf(wire);
    if (wire.editIntervalMs !== undefined) this.editIntervalMs = wire.editIntervalMs;
    // each primitive the wire has becomes the adapter's method, its errors classified
    const { edit, delete: remove, react, typing, setCommands, fetchAttachment, reconcile } = wire;
    if (edit) this.edit = (ref, text) => this.#call('edit', () => edit.call(wire, ref, text));
    if (remove) this.delete = (ref) => this.#call('delete', () => remove.call(wire, ref));
    if (react) this.react = (ref, emoji) => this.#call('react', () => react.call(wire, ref, emoji));
    if (typing) this.sendTyping = (chat) => this.#call('typing', () => typing.call(wire, chat));
    if (setCommands)
      this.setCommands = (commands) => this.#call('setCommands', () => setCommands.call(wire, commands));
    if (fetchAttachment)
      this.fetchAttachment = (attachment) =>
        this.#call('fetchAttachment', () => fetchAttachment.call(wire, attachment));
    if (reconcile) this.reconcile = (message) => this.#call('reconcile', () => reconcile.call(wire, message));
  }

  /** Whether the adapter is started (connected or connecting). */
  get running(): boolean {
    return this.#running !== undefined;
  }

  onFailure(listener: (error: Error) => void): void {
    this.#failureListeners.add(listener);
  }

  start(ctx: AdapterContext): Promise<void> {
    // a stop right after start (same tick) must find the start to cancel: no await before #connect
    const stopping = this.#stopping;
    return stopping ? stopping.then(() => this.#connect(ctx)) : this.#connect(ctx);
  }

  async #connect(ctx: AdapterContext): Promise<void> {
    if (this.#running) {
      throw new GatewayError(
        'GATEWAY_ERR_STATE',
        `${this.name}: the adapter is already running; stop it first`,
      );
    }
    const controller = new AbortController();
    const running: Running = {
      ctx,
      controller,
      connected: Promise.resolve(),
      onAbort: () => {
        this.stop().catch((error) => ctx.log.warn({ err: String(error) }, `${this.name}: stop failed`));
      },
    };
    this.#running = running;
    ctx.signal.addEventListener('abort', running.onAbort, { once: true });
    running.connected = this.wire.connect(this.#wireContext(ctx, controller.signal), controller.signal);
    try {
      await running.connected;
    } catch (error) {
      ctx.signal.removeEventListener('abort', running.onAbort);
      if (this.#running === running) this.#running = undefined;
      controller.abort();
      throw this.#error(error, 'connect');
    }
    if (controller.signal.aborted || ctx.signal.aborted) {
      await this.stop();
      throw new GatewayError(
        'GATEWAY_ERR_STATE',
        `${this.name}: the adapter was stopped while it was starting`,
      );
    }
  }

  async stop(): Promise<void> {
    const running = this.#running;
    if (running) {
      this.#running = undefined;
      running.ctx.signal.removeEventListener('abort', running.onAbort);
      running.controller.abort();
      this.#stopping = this.#close(running).finally(() => {
        this.#stopping = undefined;
      });
    }
    await this.#stopping;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const chat: ChatRef = {
      chatId: message.chatId,
      chatType: message.chatType,
      ...(message.threadId ? { threadId: message.threadId } : {}),
    };
    const quote = message.inReplyTo.at(-1);
    const { limits, sendFile, sendFiles } = this.wire;
    // a wire with sendFiles gets files in groups; otherwise one by one through sendFile
    const batch = sendFiles ? (limits.maxFilesPerMessage ?? Number.MAX_SAFE_INTEGER) : undefined;
    const steps = composeReply(
      {
        text: message.text,
        ...(message.attachments ? { attachments: message.attachments } : {}),
        ...(quote ? { quote } : {}),
      },
      {
        maxMessageLength: limits.maxMessageLength,
        ...(limits.maxCaptionLength !== undefined ? { maxCaptionLength: limits.maxCaptionLength } : {}),
        ...(sendFile || sendFiles ? {} : { noFiles: true }),
        ...(batch !== undefined ? { filesPerMessage: batch } : {}),
        textParts: (text) => this.textParts(text),
      },
    );
    const ids: string[] = [];
    let texts = 0;
    let files = 0;
    for (const step of steps) {
      const options = {
        idempotencyKey: message.idempotencyKey,
        part: step.kind === 'text' ? String(texts++) : `f${files++}`,
        ...(step.replyTo !== undefined ? { replyTo: step.replyTo } : {}),
        ...(step.kind !== 'text' && step.caption !== undefined ? { caption: step.caption } : {}),
      };
      let id: string | undefined;
      if (step.kind === 'text')
        id = await this.#call('sendText', () => this.wire.sendText(chat, step.text, options));
      else if (step.kind === 'file')
        id = await this.#call('sendFile', () =>
          (sendFile as SendFile).call(this.wire, chat, step.file, options),
        );
      else
        id = await this.#call('sendFiles', () =>
          (sendFiles as SendFiles).call(this.wire, chat, step.files, options),
        );
      if (id !== undefined) ids.push(id);
    }
    return ids.length > 0 ? { platformMessageId: ids.at(-1), platformMessageIds: ids } : {};
  }

  textParts(text: string): string[] {
    return this.wire.textParts
      ? this.wire.textParts(text)
      : splitMessage(text, this.wire.limits.maxMessageLength);
  }

  /** Turns anything a wire threw into the `AdapterError` the runtime reads. */
  #error(error: unknown, action: string): Error {
    if (error instanceof GatewayError && error.code === 'GATEWAY_ERR_HTTP_LISTEN') {
      // a webhook platform's own listener cannot listen: retryable only when the port is busy
      const { reason, retryable } = error.details;
      return new AdapterError(this.name, `the webhook listener cannot start: ${error.message}`, {
        retryable: retryable === true,
        reason: typeof reason === 'string' ? reason : 'listen_failed',
        cause: error,
      });
    }
    if (error instanceof GatewayError) return error;
    const failure = error instanceof DownloadError ? error.failure : this.wire.classify(error);
    return failureError(this.name, failure, action, error);
  }

  async #call<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.#error(error, action);
    }
  }

  #wireContext(ctx: AdapterContext, signal: AbortSignal): WireContext {
    const report = (error: unknown): Error => {
      const classified = this.#error(error, 'link');
      ctx.reportError?.(classified);
      return classified;
    };
    return {
      ingest: (message) => ctx.ingest(message),
      log: ctx.log,
      signal,
      reportError: (error) => {
        report(error);
      },
      reportHealthy: () => ctx.reportHealthy?.(),
      fail: (error) => {
        if (signal.aborted) return;
        const classified = report(error);
        for (const listener of this.#failureListeners) listener(classified);
      },
    };
  }

  async #close(running: Running): Promise<void> {
    try {
      await running.connected;
    } catch {
      return; // connect failed: nothing is open
    }
    try {
      await this.wire.disconnect?.();
    } catch (error) {
      running.ctx.log.warn({ err: String(error) }, `${this.name}: did not close cleanly`);
    }
  }
}

/**
 * Makes the runtime's adapter from a platform's wire.
 *
 * @example
 * const adapter = createAdapter(myWire);
 * const gateway = createGateway({ store, agent, adapters: [adapter] });
 */
export function createAdapter<W extends PlatformWire>(wire: W): KitAdapter<W> {
  return new KitAdapter(wire);
}
