/**
 * The adapter contract: what every platform adapter implements and what the
 * gateway gives it. Adapters normalise platform updates to `InboundMessage`,
 * hand them to `ctx.ingest()` (which resolves only after the message is durably
 * accepted, so the adapter acknowledges the platform after that), and send what
 * the outbox gives them.
 */

/** Kind of conversation a message came from. */
export type ChatType = 'dm' | 'group' | 'channel' | 'thread';

/** A file attached to a message, in or out. */
export interface Attachment {
  kind: 'image' | 'file' | 'voice' | 'video';
  /** Where the gateway can fetch it (platform URL or local path). */
  url?: string;
  /** Inline content for small files (base64). */
  dataBase64?: string;
  mimeType?: string;
  fileName?: string;
  sizeBytes?: number;
  /**
   * Inbound: the id of the copy the gateway stored in its media folder at ingest
   * (the message then carries no bytes and no url). Set by the gateway only.
   */
  mediaId?: string;
  /** Inbound: why the gateway holds no copy (too large, the download failed). Set by the gateway only. */
  unavailable?: string;
  /**
   * Inbound voice note: its transcript, when the adapter or the gateway made one.
   * The transcript is also the text of the message (after any caption).
   */
  transcript?: string;
}

/** One message from a user, normalised across platforms. */
export interface InboundMessage {
  /** Adapter name, e.g. `telegram`, `api`. */
  platform: string;
  chatType: ChatType;
  chatId: string;
  threadId?: string;
  userId: string;
  userName?: string;
  text: string;
  attachments?: Attachment[];
  /** Platform id of the message this one replies to. */
  replyTo?: string;
  /** Platform id of this message: the inbox deduplicates on (platform, platformMessageId). */
  platformMessageId: string;
  /**
   * Conversation supplied by the client itself (the OpenAI-compatible API sends the
   * whole history with each request). Used as history when the session has none.
   */
  history?: { role: 'system' | 'user' | 'assistant'; content: string }[];
  /** Explicit session key (the API server's `X-Hermes-Session-Id`); otherwise derived from the chat. */
  sessionKey?: string;
}

/** What `ingest` answers. */
export interface IngestResult {
  /** Inbox row id. */
  inboxId: number;
  /** True when this (platform, platformMessageId) was already accepted: nothing new happens. */
  duplicate: boolean;
  /** The session this message went to. */
  sessionKey: string;
  /**
   * Set when the access gate refused the sender: `pair` (a pairing code was sent)
   * or `ignore`. Nothing was stored; acknowledge the platform anyway.
   */
  refused?: 'pair' | 'ignore';
}

/** A reply the gateway asks an adapter to deliver. */
export interface OutboundMessage {
  chatId: string;
  chatType: ChatType;
  threadId?: string;
  text: string;
  attachments?: Attachment[];
  /** Platform ids of the inbound messages this reply answers (the last one is the one to quote). */
  inReplyTo: string[];
  /** One key per logical reply: the same key is never delivered twice on purpose. */
  idempotencyKey: string;
  /** Session the reply belongs to. */
  sessionKey: string;
  /** Whether the run failed (the text then explains the failure). */
  failed?: boolean;
  /** Tokens the agent used for this answer, when known. */
  usage?: { inputTokens: number; outputTokens: number };
  /**
   * Platform id of the streamed message this reply finishes: the gateway edits it
   * to the reply's first part instead of sending a new message (adapters never see it set).
   */
  editsMessage?: string;
  /** True while a streamed reply is still being written (its text is not final yet). */
  draft?: boolean;
  /**
   * Platform ids of the tool-progress messages of the run this reply answers (kept with the reply,
   * so a resumed run edits the same progress message and `cleanup_progress` works after a restart).
   */
  progressMessages?: string[];
}

/** What the platform said about a sent message. */
export interface SendResult {
  /** Platform id of the sent message (the last part when it was split), when the platform gives one. */
  platformMessageId?: string;
  /** Platform ids of every part, in order, when the reply was split or sent with files. */
  platformMessageIds?: string[];
}

/** A conversation on a platform: where to send, type or react. */
export interface ChatRef {
  chatId: string;
  chatType: ChatType;
  threadId?: string;
}

/** One message already on the platform (sent by the adapter or received from a user). */
export interface MessageRef extends ChatRef {
  /** Platform id of the message. */
  messageId: string;
}

/** A command shown in a platform's command menu (Telegram's `/` menu, Slack's hints). */
export interface CommandInfo {
  /** Name without the slash. */
  name: string;
  description: string;
}

/** Capabilities an adapter declares; the gateway only uses what is declared. */
export interface AdapterCapabilities {
  voice: boolean;
  images: boolean;
  files: boolean;
  threads: boolean;
  reactions: boolean;
  typing: boolean;
  /**
   * Answers may be streamed: the gateway edits one message as the answer grows (needs `edit`),
   * or the adapter streams natively through `streamDelta` (the API server's SSE).
   */
  streaming: boolean;
  edit: boolean;
  delete: boolean;
  /** `reconcile()` can check whether a reply with an idempotency key was delivered. */
  reconcile: boolean;
  /** Maximum characters of one message; longer replies are split. */
  maxMessageLength: number;
  /**
   * No person reads the conversation live (the OpenAI-compatible API): nobody can
   * be asked to approve a dangerous action, so such actions are refused.
   */
  headless?: boolean;
}

/** Everything the gateway gives an adapter when it starts. */
export interface AdapterContext {
  /**
   * Accepts an inbound message durably. Resolves after the inbox row committed;
   * acknowledge the platform only then.
   */
  ingest(message: InboundMessage): Promise<IngestResult>;
  /** Structured logger bound to the adapter. */
  log: AdapterLogger;
  /** Aborted when the gateway stops the adapter. */
  signal: AbortSignal;
  /**
   * Reports a failure the adapter recovered from or is retrying on its own
   * (a dropped websocket, a 409 polling conflict, a reconnect that failed). Pass an
   * `AdapterError` so the circuit breaker can tell retryable from fatal failures:
   * retryable ones are counted against the breaker's threshold, a fatal one (bad
   * token, logged out: `reason: 'needs_relink'`) stops the adapter until the
   * operator acts. Optional: contexts built outside the gateway may omit it.
   */
  reportError?(error: unknown): void;
  /** Reports that the platform answered again after failures (resets the breaker's count). */
  reportHealthy?(): void;
}

/** The logging calls adapters may use. */
export interface AdapterLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** Result of checking an unknown send. */
export type ReconcileResult = { delivered: true; platformMessageId?: string } | { delivered: false };

/**
 * A platform adapter.
 *
 * `start` resolves once the adapter is connected and accepting messages; a
 * rejection or a later call of `onFailure` tells the gateway the link failed
 * (the gateway machine restarts it within its restart budget).
 */
export interface Adapter {
  /** Unique name, also the `platform` of its messages. */
  readonly name: string;
  readonly capabilities: AdapterCapabilities;
  start(ctx: AdapterContext): Promise<void>;
  stop(): Promise<void>;
  /** Delivers one reply. Throw `AdapterError` on failure (retryable or fatal). */
  send(message: OutboundMessage): Promise<SendResult>;
  /**
   * Streams a piece of an answer natively (server-sent events). Adapters without it that can
   * `edit` are streamed by the gateway, which edits one message.
   */
  streamDelta?(target: StreamTarget, text: string): void;
  /** Fewest milliseconds between two edits of one streamed message (default 1000). */
  readonly editIntervalMs?: number;
  /**
   * The parts `send` splits a text into, as raw text (default: `splitMessage` at
   * `capabilities.maxMessageLength`). The gateway uses it to finish a streamed message.
   */
  textParts?(text: string): string[];
  /** Checks whether a reply whose send outcome is unknown was delivered (only with `capabilities.reconcile`). */
  reconcile?(message: OutboundMessage): Promise<ReconcileResult>;
  /** Registers a callback for failures after start (dropped connection that cannot recover). */
  onFailure?(listener: (error: Error) => void): void;
  /** Replaces the text of a message the adapter sent (only with `capabilities.edit`). */
  edit?(ref: MessageRef, text: string): Promise<void>;
  /** Deletes a message the adapter sent (only with `capabilities.delete`). */
  delete?(ref: MessageRef): Promise<void>;
  /** Adds a reaction to a message (only with `capabilities.reactions`). */
  react?(ref: MessageRef, emoji: string): Promise<void>;
  /** Shows "typing…" in a chat for a few seconds (only with `capabilities.typing`). */
  sendTyping?(chat: ChatRef): Promise<void>;
  /**
   * Downloads an inbound attachment that came as a platform `url` (the download
   * usually needs the bot's credentials). Only for adapters that receive files.
   */
  fetchAttachment?(attachment: Attachment): Promise<Uint8Array>;
  /** Publishes the gateway's commands in the platform's command menu, where it has one. */
  setCommands?(commands: CommandInfo[]): Promise<void>;
  /** Voice channels (`/voice join|leave`), where the platform has them. */
  readonly voiceChannels?: VoiceChannelControl;
}

/** The outcome of joining or leaving a voice channel: whether it happened, and the text for the chat. */
export interface VoiceChannelAnswer {
  done: boolean;
  text: string;
}

/** Joining and leaving a platform's voice channels. */
export interface VoiceChannelControl {
  /** Joins the voice channel `userId` is in, for the chat `chatId`. */
  join(chatId: string, userId: string): Promise<VoiceChannelAnswer>;
  /** Leaves the voice channel joined for `chatId`. */
  leave(chatId: string): Promise<VoiceChannelAnswer>;
}

/** Where streamed deltas go: the conversation and the messages being answered. */
export interface StreamTarget {
  chatId: string;
  chatType: ChatType;
  threadId?: string;
  sessionKey: string;
  inReplyTo: string[];
}

/** Capabilities with everything off; adapters spread it and turn on what they have. */
export const NO_CAPABILITIES: AdapterCapabilities = {
  voice: false,
  images: false,
  files: false,
  threads: false,
  reactions: false,
  typing: false,
  streaming: false,
  edit: false,
  delete: false,
  reconcile: false,
  maxMessageLength: 4000,
};
