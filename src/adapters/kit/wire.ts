/**
 * The wire: the only thing a platform supplies. It connects and hands inbound
 * messages to the kit, offers the primitives the platform has, and classifies
 * its errors. The kit (`createAdapter`) makes the runtime's `Adapter` from it.
 */
import type {
  AdapterContext,
  Attachment,
  ChatRef,
  CommandInfo,
  MessageRef,
  OutboundMessage,
  ReconcileResult,
} from '../contract.ts';
import type { Failure } from './failure.ts';

/** What the kit gives a wire while it is connected. */
export interface WireContext extends Omit<AdapterContext, 'reportError' | 'reportHealthy'> {
  /** Aborted when the adapter stops (or the gateway aborts it): close everything then. */
  signal: AbortSignal;
  /** A failure the wire recovers from on its own (a dropped socket it reconnects): counted by the breaker. */
  reportError(error: unknown): void;
  /** The platform answers again after failures. */
  reportHealthy(): void;
  /**
   * A failure the wire cannot recover from: the kit reports it to the breaker and tells the
   * gateway the link is down (`onFailure`), which restarts the adapter within its budget.
   */
  fail(error: unknown): void;
}

/** What the kit tells a send primitive besides the content. */
export interface SendOptions {
  /** The message to quote (first message of a reply only). */
  replyTo?: string;
  /** The reply's idempotency key: the same reply is never delivered twice on purpose. */
  idempotencyKey?: string;
  /**
   * This message's place in the reply (`0`, `1`… for text parts, `f0`, `f1`… for files): with
   * `idempotencyKey`, a stable id for platforms that deduplicate sends (Matrix transaction ids).
   */
  part?: string;
}

/** A file send: `SendOptions` and the caption, when the kit found one fits. */
export interface FileSendOptions extends SendOptions {
  caption?: string;
}

/** The platform's limits and the abilities no primitive shows. */
export interface WireLimits {
  /** Characters of one message; longer text is split. */
  maxMessageLength: number;
  /** Characters of a file's caption; without it text and files are always sent apart. */
  maxCaptionLength?: number;
  /** Files on one message, for wires with `sendFiles` (Discord: 10). */
  maxFilesPerMessage?: number;
  /** Bytes of one inbound attachment the kit downloads (default 25 MB). */
  maxAttachmentBytes?: number;
}

/** Capabilities that no primitive shows: what the platform's messages may carry in. */
export interface WireDeclarations {
  /** Inbound voice notes reach the agent (as audio or transcript). */
  voice?: boolean;
  /** Images are received and, with `sendFile`, sent. */
  images?: boolean;
  /** Replies go into threads or topics. */
  threads?: boolean;
  /** Nobody reads the conversation live. */
  headless?: boolean;
}

/**
 * A platform's wire. Only `name`, `limits`, `connect`, `sendText` and `classify` are required;
 * every other primitive is optional, and the adapter's capabilities are derived from
 * which ones are present.
 *
 * @example
 * const wire: PlatformWire = {
 *   name: 'echo', limits: { maxMessageLength: 2000 },
 *   connect: async (ctx) => { inbox = (m) => ctx.ingest(m); },
 *   sendText: async (chat, text) => { sent.push({ chat, text }); return String(sent.length); },
 *   classify: (error) => ({ reason: 'unknown', message: String(error) }),
 * };
 */
export interface PlatformWire {
  /** Adapter name and `platform` of its messages. */
  readonly name: string;
  /** Human name for messages ("Telegram"); default the name. */
  readonly title?: string;
  readonly limits: WireLimits;
  readonly declares?: WireDeclarations;
  /** Fewest milliseconds between two edits of one streamed message. */
  readonly editIntervalMs?: number;
  /**
   * Connects and starts receiving; resolves once messages are accepted. Inbound messages go
   * to `ctx.ingest` (acknowledge the platform after it resolved). `signal` aborts when the
   * adapter stops: a `connect` still running must then end (reject or resolve) soon, since
   * the stop waits for it before calling `disconnect`.
   */
  connect(ctx: WireContext, signal: AbortSignal): Promise<void>;
  /** Closes what `connect` opened; the kit calls it once on stop, after `connect` settled. */
  disconnect?(): Promise<void>;
  /** Sends one text that fits the limits; resolves with the platform's message id when it gives one. */
  sendText(chat: ChatRef, text: string, options: SendOptions): Promise<string | undefined>;
  /** Sends one file, with a caption when the kit found one fits. */
  sendFile?(chat: ChatRef, file: Attachment, options: FileSendOptions): Promise<string | undefined>;
  /** Sends several files on one message (at most `limits.maxFilesPerMessage`), with a caption when one fits. */
  sendFiles?(chat: ChatRef, files: Attachment[], options: FileSendOptions): Promise<string | undefined>;
  /** Replaces the text of a sent message (turns on streaming). */
  edit?(ref: MessageRef, text: string): Promise<void>;
  delete?(ref: MessageRef): Promise<void>;
  react?(ref: MessageRef, emoji: string): Promise<void>;
  /** Shows "typing…" in a chat. */
  typing?(chat: ChatRef): Promise<void>;
  setCommands?(commands: CommandInfo[]): Promise<void>;
  /** Downloads an inbound attachment (use the kit's `downloadAttachment` for the size cap). */
  fetchAttachment?(attachment: Attachment): Promise<Uint8Array>;
  /** Checks whether a reply whose outcome is unknown was delivered. */
  reconcile?(message: OutboundMessage): Promise<ReconcileResult>;
  /** The raw text parts a text is sent as (default `splitMessage` at `maxMessageLength`). */
  textParts?(text: string): string[];
  /** Names the reason of an error a primitive or `connect` threw. */
  classify(error: unknown): Failure;
}
