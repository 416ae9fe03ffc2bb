/**
 * Replies streamed by editing one message, kept in the outbox.
 *
 * A streamed answer is one outbox row from its first piece on: the row is saved
 * as a `streaming` draft (committed) before the first piece is sent, and the id
 * of the message the user sees is recorded on it as soon as the platform gives
 * it. Later pieces edit that message, no faster than the adapter's
 * `editIntervalMs`. The final text replaces the draft in the turn's own group
 * commit; the outbox sender then edits the message to it (an edit can be redone
 * safely) and sends only what did not fit as new messages.
 *
 * After a crash the row is still there: the run that resumes the cut-off turn
 * takes the draft over (`beginStream`) and edits the same message, so the user
 * ends with one message, never a streamed one plus a copy. A run that ended
 * without an answer (stopped, failed) leaves its message as it is.
 *
 * Adapters that stream natively (`streamDelta`, the API server's SSE) get the
 * pieces directly; adapters that cannot edit get the final reply only.
 */

import { textParts } from '../actors/text-parts.ts';
import type { Adapter, ChatRef, OutboundMessage } from '../adapters/contract.ts';
import { errorText, type RuntimeLogger } from '../log/runtime-logger.ts';
import type { Store } from '../persistence/store.ts';

/** Fewest milliseconds between two edits when the adapter does not say (`Adapter.editIntervalMs`). */
export const DEFAULT_EDIT_INTERVAL_MS = 1000;

/** The idempotency key of a run's answer. */
export const replyKey = (runId: string) => `${runId}:reply`;

/** The run a stream belongs to. */
export interface StreamRun {
  runId: string;
  /** The run resumes a turn a restart cut off: it takes over that turn's streamed message. */
  resume: boolean;
  platform: string;
  sessionKey: string;
  chat: ChatRef;
  /** Platform ids of the messages the answer answers (the last one is quoted). */
  inReplyTo: string[];
}

/** What the streams need from the runtime. */
export interface ReplyStreamsDeps {
  store: Store;
  adapters: ReadonlyMap<string, Adapter>;
  log: RuntimeLogger;
  /** Clock (epoch ms); default `Date.now`. */
  now?: () => number;
}

interface LiveStream {
  run: StreamRun;
  adapter: Adapter;
  interval: number;
  /** The answer so far. */
  text: string;
  /** What the streamed message shows. */
  shown: string;
  /** Platform id of the streamed message, once known (sent, or taken over from a cut-off run). */
  messageId?: string;
  /** A piece arrived: the message is (being) opened. */
  started: boolean;
  /** The work in flight (take-over, draft save, send, edit); the next step waits for it. */
  work: Promise<void>;
  lastEditAt: number;
  timer?: ReturnType<typeof setTimeout>;
  /** Sending or editing failed: the rest of the answer waits for the final reply. */
  failed: boolean;
  /** The run ended: nothing more is streamed. */
  ended: boolean;
  /** Done once the draft a cut-off turn left was taken over (or there was none). */
  begun: Promise<void>;
  /** Progress messages taken over from the cut-off turn, not yet handed to tool progress. */
  takenProgress: string[];
  /** The run's tool-progress messages, kept with its reply. */
  progress: string[];
}

/** Whether the gateway streams this adapter's answers by editing one message. */
export function editsWhileStreaming(adapter: Adapter | undefined): adapter is Adapter {
  return (
    adapter?.capabilities.streaming === true &&
    adapter.capabilities.edit &&
    typeof adapter.edit === 'function' &&
    typeof adapter.streamDelta !== 'function'
  );
}

/**
 * Keeps the live stream of each session's run.
 *
 * @example
 * const streams = new ReplyStreams({ store, adapters, log }); // store.outbox wakes the sender (the Outbox facade)
 * streams.begin(run);              // the run starts
 * streams.delta(run, 'Hel');       // pieces as they come
 * await streams.finish(run, reply); // the final text, in the turn's group commit
 */
export class ReplyStreams {
  readonly #deps: ReplyStreamsDeps;
  readonly #now: () => number;
  readonly #streams = new Map<string, LiveStream>();

  constructor(deps: ReplyStreamsDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /**
   * A run starts: a resumed run takes over the message its cut-off turn streamed; any other run
   * closes the drafts earlier runs of the session left.
   */
  begin(run: StreamRun): void {
    const adapter = this.#deps.adapters.get(run.platform);
    this.#forget(run.sessionKey);
    if (!editsWhileStreaming(adapter)) return;
    const stream: LiveStream = {
      run,
      adapter,
      interval: adapter.editIntervalMs ?? DEFAULT_EDIT_INTERVAL_MS,
      text: '',
      shown: '',
      started: false,
      work: Promise.resolve(),
      lastEditAt: 0,
      failed: false,
      ended: false,
      begun: Promise.resolve(),
      takenProgress: [],
      progress: [],
    };
    stream.begun = this.#deps.store.outbox
      .beginStream(run.sessionKey, run.resume ? replyKey(run.runId) : undefined)
      .then((taken) => {
        if (taken?.editsMessage !== undefined && stream.messageId === undefined) {
          stream.messageId = taken.editsMessage;
        }
        stream.takenProgress = taken?.progressMessages ?? [];
        stream.progress = [...stream.takenProgress];
      })
      .catch((error) => this.#warn(stream, error, 'Taking over a streamed reply failed'));
    stream.work = stream.begun;
    this.#streams.set(run.sessionKey, stream);
  }

  /**
   * The tool-progress messages the run took over from the turn a restart cut off (once; later
   * calls get none), so tool progress edits the message the user already sees.
   */
  progressTaken(sessionKey: string, runId: string): Promise<string[]> {
    const stream = this.#streams.get(sessionKey);
    if (!stream || stream.run.runId !== runId) return Promise.resolve([]);
    return stream.begun.then(() => {
      const taken = stream.takenProgress;
      stream.takenProgress = [];
      return taken;
    });
  }

  /** Keeps the run's tool-progress message ids with its reply (saved with the draft). */
  recordProgress(sessionKey: string, runId: string, messageIds: string[]): void {
    const stream = this.#streams.get(sessionKey);
    if (!stream || stream.run.runId !== runId || stream.ended) return;
    stream.progress = [...messageIds];
    const s = stream;
    s.work = s.work
      .then(() =>
        s.ended ? undefined : this.#deps.store.outbox.saveStream(s.run.platform, this.#draft(s), 'streaming'),
      )
      .catch((error) => this.#warn(s, error, 'Keeping tool progress with the reply failed'));
  }

  /** A piece of the run's answer. Adapters that stream natively get it directly. */
  delta(run: StreamRun, text: string): void {
    const adapter = this.#deps.adapters.get(run.platform);
    if (adapter?.capabilities.streaming && typeof adapter.streamDelta === 'function') {
      adapter.streamDelta({ ...run.chat, sessionKey: run.sessionKey, inReplyTo: run.inReplyTo }, text);
      return;
    }
    let stream = this.#streams.get(run.sessionKey);
    if (!stream || stream.run.runId !== run.runId) {
      this.begin(run);
      stream = this.#streams.get(run.sessionKey);
    }
    if (!stream || stream.ended) return;
    stream.text += text;
    if (!stream.started) {
      stream.started = true;
      const s = stream;
      s.work = s.work.then(() => this.#open(s));
      return;
    }
    this.#schedule(stream);
  }

  /**
   * The run answered. Returns the write of the final reply, to be committed with the turn: a
   * streamed reply keeps its message (the sender edits it to the final text once the stream's
   * last edit landed); any other reply is enqueued as usual.
   */
  finish(run: StreamRun, message: OutboundMessage): Promise<unknown> {
    const { store } = this.#deps;
    const stream = this.#streams.get(run.sessionKey);
    if (!stream || stream.run.runId !== run.runId) return store.outbox.enqueue(run.platform, message);
    this.#streams.delete(run.sessionKey);
    this.#end(stream);
    if (!stream.started) {
      // nothing streamed by this run: a message taken over from the cut-off turn (recorded on the
      // row `begin` took over, which the store merges in) is edited all the same
      return store.outbox.saveStream(run.platform, withProgress(message, stream.progress), 'pending');
    }
    // committed now, with the turn; sent once the stream's own sends and edits are done
    const final = () => withProgress(withMessage(message, stream.messageId), stream.progress);
    const write = store.outbox.saveStream(run.platform, final(), 'streaming');
    stream.work = stream.work
      .then(() => write)
      .then(() => store.outbox.saveStream(run.platform, final(), 'pending'))
      .catch((error) => this.#warn(stream, error, 'Handing a streamed reply to the outbox failed'));
    return write;
  }

  /**
   * The session's run ended without an answer (stopped, failed, interrupted). Its streamed message
   * stays as the user sees it. With `keepDraft` (the gateway stops) the draft stays for the run that
   * resumes the turn; otherwise it is closed.
   */
  close(sessionKey: string, keepDraft = false): void {
    const stream = this.#streams.get(sessionKey);
    this.#forget(sessionKey);
    if (keepDraft || !stream) return;
    stream.work = stream.work
      .then(() => this.#deps.store.outbox.beginStream(sessionKey))
      .then(() => undefined)
      .catch((error) => this.#warn(stream, error, 'Closing a streamed reply failed'));
  }

  /** Closes the drafts a session's cut-off turn left (nobody resumed it). */
  async abandon(sessionKey: string): Promise<void> {
    this.#forget(sessionKey);
    await this.#deps.store.outbox.beginStream(sessionKey);
  }

  /** Waits for every stream's work in flight (tests and drain). */
  async idle(): Promise<void> {
    await Promise.all([...this.#streams.values()].map((s) => s.work));
  }

  /** Cancels pending edits and forgets every stream (the gateway stops). */
  stop(): void {
    for (const key of [...this.#streams.keys()]) this.#forget(key);
  }

  #forget(sessionKey: string): void {
    const stream = this.#streams.get(sessionKey);
    if (!stream) return;
    this.#streams.delete(sessionKey);
    this.#end(stream);
  }

  #end(stream: LiveStream): void {
    stream.ended = true;
    if (stream.timer) clearTimeout(stream.timer);
    stream.timer = undefined;
  }

  /** Shows the first piece: edits a message taken over, or saves the draft and then sends a new message. */
  async #open(s: LiveStream): Promise<void> {
    if (s.ended || s.failed) return;
    if (s.messageId !== undefined) {
      await this.#editNow(s);
      return;
    }
    const { store } = this.#deps;
    const { run } = s;
    await store.outbox.saveStream(run.platform, this.#draft(s), 'streaming');
    if (s.ended) return; // the answer is final already: the sender delivers it
    const first = visible(s.adapter, s.text);
    try {
      const result = await s.adapter.send({
        ...run.chat,
        text: first,
        inReplyTo: run.inReplyTo,
        idempotencyKey: `${replyKey(run.runId)}:stream`,
        sessionKey: run.sessionKey,
      });
      const id = result.platformMessageId ?? result.platformMessageIds?.[0];
      if (id === undefined) {
        s.failed = true;
        return;
      }
      s.messageId = id;
      s.shown = first;
      s.lastEditAt = this.#now();
    } catch (error) {
      s.failed = true;
      this.#warn(s, error, 'Streaming an answer failed; the final reply still goes out');
      return;
    }
    if (!s.ended) await store.outbox.saveStream(run.platform, this.#draft(s), 'streaming');
    if (!s.ended && s.text !== s.shown) this.#schedule(s);
  }

  #draft(s: LiveStream): OutboundMessage {
    const { run } = s;
    return withMessage(
      {
        ...run.chat,
        text: s.text,
        inReplyTo: run.inReplyTo,
        idempotencyKey: replyKey(run.runId),
        sessionKey: run.sessionKey,
        draft: true,
        ...(s.progress.length ? { progressMessages: s.progress } : {}),
      },
      s.messageId,
    );
  }

  #schedule(s: LiveStream): void {
    if (s.timer || s.failed || s.ended || !s.started) return;
    const wait = Math.max(0, s.lastEditAt + s.interval - this.#now());
    s.timer = setTimeout(() => {
      s.timer = undefined;
      s.work = s.work.then(() => this.#editNow(s));
    }, wait);
    s.timer.unref?.();
  }

  async #editNow(s: LiveStream): Promise<void> {
    if (s.failed || s.ended || s.messageId === undefined) return;
    const next = visible(s.adapter, s.text);
    if (next === s.shown) return;
    try {
      await s.adapter.edit?.({ ...s.run.chat, messageId: s.messageId }, next);
      s.shown = next;
    } catch (error) {
      s.failed = true;
      this.#warn(s, error, 'Streaming an answer failed; the final reply still goes out');
    }
    s.lastEditAt = this.#now();
  }

  #warn(s: LiveStream, error: unknown, what: string): void {
    this.#deps.log.warn(
      { platform: s.run.platform, sessionKey: s.run.sessionKey, err: errorText(error) },
      what,
    );
  }
}

/** The message with the streamed message id it finishes, when there is one. */
function withMessage(message: OutboundMessage, messageId: string | undefined): OutboundMessage {
  return messageId === undefined ? message : { ...message, editsMessage: messageId };
}

/** The message with the run's tool-progress message ids, when there are any. */
function withProgress(message: OutboundMessage, progress: string[]): OutboundMessage {
  return progress.length === 0 ? message : { ...message, progressMessages: [...progress] };
}

/** What fits in the streamed message: the first part of the text so far. */
function visible(adapter: Adapter, text: string): string {
  return text.length <= adapter.capabilities.maxMessageLength ? text : (textParts(adapter, text)[0] ?? '');
}
