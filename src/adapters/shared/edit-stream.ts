/**
 * Streaming by editing one message: the first piece of an answer is sent as a
 * new message, later pieces edit it, no faster than once per `minIntervalMs`
 * (platforms rate-limit edits). When the final reply arrives through the
 * outbox, `finish()` edits the bubble to the final text, so the user ends with
 * one message, not a streamed one plus a copy. Adapters with
 * `capabilities.streaming` and `edit` use it from `streamDelta` and `send`.
 */
import type { ChatRef, MessageRef, StreamTarget } from '../contract.ts';
import { splitMessage } from './split-message.ts';

/** What the streamer needs from its adapter. */
export interface EditStreamOptions {
  /** Fewest milliseconds between two edits of one message. */
  minIntervalMs: number;
  /** The platform's message length: streamed text beyond it waits for the final split. */
  maxLength: number;
  /** Sends a new message and returns its platform id. */
  send(chat: ChatRef, text: string, replyTo?: string): Promise<string>;
  /** Replaces the text of a message. */
  edit(ref: MessageRef, text: string): Promise<void>;
  /** Told when a streamed send or edit fails (streaming is best effort: the final reply still goes out). */
  onError?(error: unknown): void;
}

/** The outcome of `finish`: the streamed bubble now holds the first part of the final text. */
export interface FinishedStream {
  /** Platform id of the bubble. */
  messageId: string;
  /** Parts of the final text that did not fit the bubble; the adapter sends them as new messages. */
  remaining: string[];
}

interface Stream {
  chat: ChatRef;
  text: string;
  shown: string;
  messageId?: string;
  /** The send or edit in flight; the next one waits for it. */
  work: Promise<void>;
  lastEditAt: number;
  timer?: ReturnType<typeof setTimeout>;
  failed: boolean;
}

/**
 * Keeps one streamed bubble per answer (keyed by session and the message answered).
 *
 * @example
 * const streamer = new EditStream({ minIntervalMs: 1000, maxLength: 4096, send, edit });
 * adapter.streamDelta = (target, text) => streamer.delta(target, text);
 * // in send(): const done = await streamer.finish(message.sessionKey, message.inReplyTo, message.text);
 */
export class EditStream {
  readonly #options: EditStreamOptions;
  readonly #streams = new Map<string, Stream>();

  constructor(options: EditStreamOptions) {
    this.#options = options;
  }

  /** Adds a piece of the answer for `target`. */
  delta(target: StreamTarget, text: string): void {
    const key = streamKey(target.sessionKey, target.inReplyTo);
    let stream = this.#streams.get(key);
    if (!stream) {
      stream = {
        chat: {
          chatId: target.chatId,
          chatType: target.chatType,
          ...(target.threadId ? { threadId: target.threadId } : {}),
        },
        text: '',
        shown: '',
        work: Promise.resolve(),
        lastEditAt: 0,
        failed: false,
      };
      this.#streams.set(key, stream);
      stream.text = text;
      const s = stream;
      const first = visible(s.text, this.#options.maxLength);
      s.shown = first;
      s.work = this.#options
        .send(s.chat, first, target.inReplyTo.at(-1))
        .then((id) => {
          s.messageId = id;
          s.lastEditAt = Date.now();
        })
        .catch((error) => this.#fail(s, error));
      return;
    }
    stream.text += text;
    this.#schedule(stream);
  }

  /** Whether an answer is being streamed for this reply. */
  has(sessionKey: string, inReplyTo: string[]): boolean {
    return this.#streams.has(streamKey(sessionKey, inReplyTo));
  }

  /**
   * Ends the stream of a reply: edits the bubble to the (first part of the)
   * final text. Returns undefined when nothing was streamed or the bubble could
   * not be sent, and the adapter then sends the reply as usual.
   */
  async finish(
    sessionKey: string,
    inReplyTo: string[],
    finalText: string,
  ): Promise<FinishedStream | undefined> {
    const key = streamKey(sessionKey, inReplyTo);
    const stream = this.#streams.get(key);
    if (!stream) return undefined;
    this.#streams.delete(key);
    if (stream.timer) clearTimeout(stream.timer);
    await stream.work;
    if (stream.failed || stream.messageId === undefined) return undefined;
    const [first = '', ...remaining] = splitMessage(finalText, this.#options.maxLength);
    if (first !== stream.shown) {
      await this.#options.edit({ ...stream.chat, messageId: stream.messageId }, first);
    }
    return { messageId: stream.messageId, remaining };
  }

  /** Forgets every stream (the adapter stopped). */
  clear(): void {
    for (const stream of this.#streams.values()) if (stream.timer) clearTimeout(stream.timer);
    this.#streams.clear();
  }

  #schedule(stream: Stream): void {
    if (stream.timer || stream.failed) return;
    const wait = Math.max(0, stream.lastEditAt + this.#options.minIntervalMs - Date.now());
    stream.timer = setTimeout(() => {
      stream.timer = undefined;
      stream.work = stream.work.then(() => this.#editNow(stream));
    }, wait);
  }

  async #editNow(stream: Stream): Promise<void> {
    if (stream.failed || stream.messageId === undefined) return;
    const next = visible(stream.text, this.#options.maxLength);
    if (next === stream.shown) return;
    try {
      await this.#options.edit({ ...stream.chat, messageId: stream.messageId }, next);
      stream.shown = next;
    } catch (error) {
      this.#fail(stream, error);
    }
    stream.lastEditAt = Date.now();
  }

  #fail(stream: Stream, error: unknown): void {
    stream.failed = true;
    this.#options.onError?.(error);
  }
}

/** What fits in the bubble while streaming: the first part of the text so far. */
function visible(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : (splitMessage(text, maxLength)[0] ?? '');
}

function streamKey(sessionKey: string, inReplyTo: string[]): string {
  return `${sessionKey}\u0000${inReplyTo.join(',')}`;
}
