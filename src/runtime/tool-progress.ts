/**
 * Tool progress: while the agent works, the chat sees what it does, as status
 * lines ("💻 `ls -la`...", "🔍 web_search...") collected in one progress bubble
 * per run. The bubble is sent with the first line and edited as lines come, no
 * faster than once per `minEditIntervalMs` (later lines wait and go out together
 * in one edit). Best effort, like streaming: the bubbles go straight to the
 * adapter, never through the outbox; a failed send or edit is logged and the run
 * goes on.
 *
 * Modes (`display.tool_progress`, `display.platforms.<p>.tool_progress`, `/verbose`):
 * - `off`: nothing;
 * - `new`: a line when the tool differs from the previous line's;
 * - `all`: a line per tool call;
 * - `verbose`: a line per call with its arguments, marked ✅ / ❌ with a short
 *   excerpt of the output when the call ends.
 *
 * A platform that cannot edit gets each line as its own message, and only in
 * the manner of `new` (`all` and `verbose` act as `new` there), so a chat never
 * receives one message per tool call. Once the run has ended nothing new is
 * sent (it would arrive after the answer); a pending edit of the bubble still lands.
 *
 * With `display.platforms.<p>.cleanup_progress: true` the bubbles are deleted
 * once the final reply was delivered, where the adapter can delete; they stay
 * when the run failed, was stopped or interrupted, or the reply was not delivered.
 *
 * The bubble belongs to the run's reply: its message ids are kept with the
 * reply's outbox record (`ReplyStreams.recordProgress`). A run that resumes a
 * turn a restart cut off edits the bubble the user already sees, and the
 * cleanup after a restart deletes the bubbles named on the delivered reply.
 */
import type { Adapter, ChatType, MessageRef, OutboundMessage } from '../adapters/contract.ts';
import { type GatewayConfig, TOOL_PROGRESS_MODES } from '../config/schema.ts';
import { errorText, type RuntimeLogger } from '../log/runtime-logger.ts';
import type { MetaStore } from '../persistence/store.ts';
import type { ReplyStreams } from './reply-streams.ts';

/** A tool-progress mode. */
export type ToolProgressMode = (typeof TOOL_PROGRESS_MODES)[number];

/** Fewest milliseconds between two edits of one progress bubble (platforms rate-limit edits). */
export const PROGRESS_EDIT_INTERVAL_MS = 1500;

/** The meta key of a platform's mode chosen with `/verbose`. */
export const toolProgressKey = (platform: string) => `tool_progress:${platform}`;

/** Whether a value is a tool-progress mode. */
export function isToolProgressMode(value: unknown): value is ToolProgressMode {
  return (TOOL_PROGRESS_MODES as readonly unknown[]).includes(value);
}

/**
 * The mode of a platform when neither `display.platforms.<p>.tool_progress` nor
 * `display.tool_progress` is set: `off` for headless adapters (the API server) and
 * email, `all` for chats that can edit a message, `new` for those that cannot.
 *
 * @example
 * defaultToolProgress('telegram', telegramAdapter.capabilities) // 'all'
 */
export function defaultToolProgress(
  platform: string,
  capabilities: Pick<Adapter['capabilities'], 'edit' | 'headless'> | undefined,
): ToolProgressMode {
  if (!capabilities || capabilities.headless || platform === 'email') return 'off';
  return capabilities.edit ? 'all' : 'new';
}

/** The mode after `mode` in the `/verbose` cycle: off → new → all → verbose → off. */
export function nextToolProgressMode(mode: ToolProgressMode): ToolProgressMode {
  return TOOL_PROGRESS_MODES[(TOOL_PROGRESS_MODES.indexOf(mode) + 1) % TOOL_PROGRESS_MODES.length]!;
}

const ICONS: Record<string, string> = { terminal: '💻', web_search: '🔍', cronjob: '⏰' };

/** Shortens text to one line of at most `max` characters. */
function shorten(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The arguments of a call, parsed when they are a JSON object. */
function parseArgs(args: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(args);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The status line of a tool call. A terminal call shows its command; in
 * `verbose` every other tool shows its arguments too (shortened).
 *
 * @example
 * toolLine('terminal', '{"command":"ls -la"}', false) // '💻 `ls -la`...'
 * toolLine('web_search', '{"query":"x"}', false) // '🔍 web_search...'
 */
export function toolLine(name: string, args: string, verbose: boolean): string {
  const icon = ICONS[name] ?? '🔧';
  const parsed = parseArgs(args);
  if (name === 'terminal' && typeof parsed?.command === 'string') {
    return `${icon} \`${shorten(parsed.command, verbose ? 200 : 80)}\`...`;
  }
  const shown = verbose && args.trim() && args.trim() !== '{}' ? `: ${shorten(args, 120)}` : '';
  return `${icon} ${name}${shown}...`;
}

/** The end marker `verbose` appends to a call's line: ✅ or ❌ with an excerpt of the output. */
export function toolEndMarker(ok: boolean, output: string): string {
  const excerpt = shorten(output, 80);
  return `${ok ? '✅' : '❌'}${excerpt ? ` ${excerpt}` : ''}`;
}

/** The chat a run reports progress to. */
export interface ProgressChat {
  sessionKey: string;
  platform: string;
  chatId: string;
  chatType: ChatType;
  threadId?: string;
}

/** One tool event of a run (the session's `AGENT.TOOL`). */
export interface ProgressToolEvent {
  runId: string;
  phase: 'start' | 'end';
  name: string;
  /** Arguments (start) or output (end). */
  detail: string;
  ok?: boolean;
}

/** How a run ended. */
export interface ProgressOutcome {
  /** True when the run answered; false when it failed, was stopped or interrupted. */
  ok: boolean;
  /** Idempotency key of the final reply; its delivery triggers the cleanup. */
  replyKey?: string;
}

/** What `/verbose` needs: the mode of a platform, and changing it. */
export interface ToolProgressControl {
  /** The platform's current mode (chosen with `/verbose`, else configured, else its default). */
  mode(platform: string): Promise<ToolProgressMode>;
  /** Sets the platform's mode durably (meta `tool_progress:<platform>`). */
  setMode(platform: string, mode: ToolProgressMode): Promise<void>;
}

/** What tool progress needs from the runtime. */
export interface ToolProgressDeps {
  adapters: ReadonlyMap<string, Adapter>;
  /** Where `/verbose` choices persist. */
  meta: MetaStore;
  /** `display.tool_progress` and `display.platforms.<p>`. */
  config: GatewayConfig;
  log: RuntimeLogger;
  /** Clock (epoch ms); default `Date.now`. */
  now?: () => number;
  /** Fewest ms between two edits of one bubble (default 1500). */
  minEditIntervalMs?: number;
  /** Where the bubbles are kept with their reply; without it they live in memory only. */
  replies?: Pick<ReplyStreams, 'progressTaken' | 'recordProgress'>;
}

interface Bubble {
  runId: string;
  chat: ProgressChat;
  adapter: Adapter;
  /** Lines go into one edited message (else: one message per line). */
  canEdit: boolean;
  mode?: ToolProgressMode;
  lines: string[];
  /** Line indexes of calls waiting for their end marker, by tool name. */
  open: Map<string, number[]>;
  lastName?: string;
  /** Every progress message sent for this run. */
  messageIds: string[];
  /** Text of the edited bubble as the platform shows it. */
  shown: string;
  lastAt: number;
  timer?: ReturnType<typeof setTimeout>;
  /** The send, edit or event in flight; the next waits for it. */
  work: Promise<void>;
  sent: number;
  /** The run ended: nothing new is sent (it would come after the answer); a pending edit still lands. */
  ended: boolean;
  /** The run ended and its bubbles are being deleted: no more edits. */
  closed: boolean;
  /** The bubbles a cut-off turn left, taken over by this run (asked for when the run's first tool started). */
  taken: Promise<string[]> | undefined;
}

interface Cleanup {
  bubble: Bubble;
  /** The reply was delivered. */
  delivered: boolean;
  /** The bubble's work is done: its message ids are known. */
  ready: boolean;
}

/**
 * Keeps one progress bubble per run and chat.
 *
 * @example
 * const progress = new ToolProgress({ adapters, meta: store.meta, config, log });
 * progress.tool(chat, { runId, phase: 'start', name: 'terminal', detail: '{"command":"ls"}' });
 * progress.finish(chat.sessionKey, { ok: true, replyKey: `${runId}:reply` });
 * // when the outbox delivered the reply: progress.replySettled(row)
 */
export class ToolProgress implements ToolProgressControl {
  readonly #deps: ToolProgressDeps;
  readonly #now: () => number;
  readonly #interval: number;
  readonly #bubbles = new Map<string, Bubble>();
  readonly #cleanups = new Map<string, Cleanup>();
  readonly #chosen = new Map<string, ToolProgressMode | undefined>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(deps: ToolProgressDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#interval = deps.minEditIntervalMs ?? PROGRESS_EDIT_INTERVAL_MS;
  }

  /** The platform's mode: chosen with `/verbose`, else `display.platforms.<p>`, else `display.tool_progress`, else its default. */
  async mode(platform: string): Promise<ToolProgressMode> {
    if (!this.#chosen.has(platform)) {
      const stored = await this.#deps.meta.get(toolProgressKey(platform)).catch(() => undefined);
      if (!this.#chosen.has(platform))
        this.#chosen.set(platform, isToolProgressMode(stored) ? stored : undefined);
    }
    const display = this.#deps.config.display;
    return (
      this.#chosen.get(platform) ??
      display.platforms[platform]?.tool_progress ??
      display.tool_progress ??
      defaultToolProgress(platform, this.#deps.adapters.get(platform)?.capabilities)
    );
  }

  /** Sets the platform's mode durably; runs that already started keep theirs. */
  async setMode(platform: string, mode: ToolProgressMode): Promise<void> {
    this.#chosen.set(platform, mode);
    await this.#deps.meta.set(toolProgressKey(platform), mode);
  }

  /** Reports a tool event of a run in `chat`. */
  tool(chat: ProgressChat, event: ProgressToolEvent): void {
    let bubble = this.#bubbles.get(chat.sessionKey);
    if (bubble && bubble.runId !== event.runId) {
      // a run that was cut off (interrupt): its bubble stays as it is
      this.finish(chat.sessionKey, { ok: false });
      bubble = undefined;
    }
    if (!bubble) {
      const adapter = this.#deps.adapters.get(chat.platform);
      if (!adapter) return;
      bubble = {
        runId: event.runId,
        chat,
        adapter,
        canEdit: adapter.capabilities.edit && typeof adapter.edit === 'function',
        lines: [],
        open: new Map(),
        messageIds: [],
        shown: '',
        lastAt: 0,
        work: Promise.resolve(),
        sent: 0,
        ended: false,
        closed: false,
        taken: this.#deps.replies?.progressTaken(chat.sessionKey, event.runId),
      };
      this.#bubbles.set(chat.sessionKey, bubble);
    }
    const b = bubble;
    this.#chain(b, () => this.#apply(b, event));
  }

  /**
   * Ends the session's run. After a successful run with `cleanup_progress`, the
   * bubbles are deleted once the reply `replyKey` was delivered (`replySettled`);
   * otherwise they stay, with their last lines shown.
   */
  finish(sessionKey: string, outcome: ProgressOutcome): void {
    const b = this.#bubbles.get(sessionKey);
    if (!b) return;
    this.#bubbles.delete(sessionKey);
    b.ended = true;
    const adapter = b.adapter;
    const cleanup =
      outcome.ok &&
      outcome.replyKey !== undefined &&
      this.#deps.config.display.platforms[b.chat.platform]?.cleanup_progress === true &&
      adapter.capabilities.delete &&
      typeof adapter.delete === 'function';
    if (!cleanup || !outcome.replyKey) return; // a pending edit still shows the last lines
    const entry: Cleanup = { bubble: b, delivered: false, ready: false };
    const key = outcome.replyKey;
    this.#cleanups.set(key, entry);
    this.#chain(b, async () => {
      this.#cancelTimer(b);
      b.closed = true;
      entry.ready = true;
      if (entry.delivered) await this.#delete(key, entry);
    });
  }

  /** Tells tool progress that an outbox reply settled (the outbox's `onSettled`). */
  replySettled(row: {
    idempotencyKey: string;
    status: string;
    platform?: string;
    message?: { chatId: string; chatType: ChatType; threadId?: string; progressMessages?: string[] };
  }): void {
    const entry = this.#cleanups.get(row.idempotencyKey);
    if (!entry) {
      this.#cleanUpAfterRestart(row);
      return;
    }
    if (row.status !== 'sent') {
      this.#cleanups.delete(row.idempotencyKey); // the reply did not arrive: the progress stays
      return;
    }
    entry.delivered = true;
    if (entry.ready) void this.#delete(row.idempotencyKey, entry);
  }

  /**
   * A delivered reply whose run this process did not see (it ran before a restart): its progress
   * bubbles, named on the reply, are deleted where `cleanup_progress` is on.
   */
  #cleanUpAfterRestart(row: Parameters<ToolProgress['replySettled']>[0]): void {
    const ids = row.message?.progressMessages ?? [];
    if (row.status !== 'sent' || ids.length === 0 || !row.platform || !row.message) return;
    const adapter = this.#deps.adapters.get(row.platform);
    if (this.#deps.config.display.platforms[row.platform]?.cleanup_progress !== true) return;
    if (!adapter?.capabilities.delete || typeof adapter.delete !== 'function') return;
    const { chatId, chatType, threadId } = row.message;
    const chat = { chatId, chatType, ...(threadId ? { threadId } : {}) };
    void (async () => {
      for (const id of ids) {
        try {
          await adapter.delete?.({ ...chat, messageId: id });
        } catch (error) {
          this.#deps.log.warn(
            { platform: row.platform, messageId: id, err: errorText(error) },
            'A progress bubble could not be deleted',
          );
        }
      }
    })();
  }

  /** Cancels pending edits and forgets every run (the gateway stops). */
  stop(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#bubbles.clear();
    this.#cleanups.clear();
  }

  #chain(b: Bubble, step: () => Promise<void>): void {
    b.work = b.work.then(step).catch((error) => {
      this.#deps.log.warn(
        { platform: b.chat.platform, sessionKey: b.chat.sessionKey, err: errorText(error) },
        'Tool progress failed',
      );
    });
  }

  async #apply(b: Bubble, event: ProgressToolEvent): Promise<void> {
    b.mode ??= await this.mode(b.chat.platform);
    if (b.mode === 'off') return;
    // without edit, every line is a message of its own: only tool changes are shown
    const mode = b.canEdit ? b.mode : 'new';
    if (event.phase === 'end') {
      if (mode !== 'verbose') return;
      const index = b.open.get(event.name)?.shift();
      if (index === undefined) return;
      b.lines[index] = `${b.lines[index]} ${toolEndMarker(event.ok !== false, event.detail)}`;
      this.#schedule(b);
      return;
    }
    if (mode === 'new' && event.name === b.lastName) return;
    b.lastName = event.name;
    const line = toolLine(event.name, event.detail, mode === 'verbose');
    if (!b.canEdit) {
      await this.#send(b, line);
      return;
    }
    b.lines.push(line);
    if (mode === 'verbose') b.open.set(event.name, [...(b.open.get(event.name) ?? []), b.lines.length - 1]);
    if (b.taken) {
      // a run that resumes a cut-off turn edits the bubble that turn left
      const taken = await b.taken;
      b.taken = undefined;
      b.messageIds.push(...taken);
    }
    if (b.messageIds.length === 0) await this.#send(b, this.#render(b));
    else this.#schedule(b);
  }

  /** The bubble's text, its oldest lines dropped when it would be too long for one message. */
  #render(b: Bubble): string {
    const max = b.adapter.capabilities.maxMessageLength;
    const lines = [...b.lines];
    let text = lines.join('\n');
    while (text.length > max && lines.length > 1) {
      lines.shift();
      text = `…\n${lines.join('\n')}`;
    }
    return text.length > max ? text.slice(0, max) : text;
  }

  async #send(b: Bubble, text: string): Promise<void> {
    if (b.ended) return;
    const message: OutboundMessage = {
      chatId: b.chat.chatId,
      chatType: b.chat.chatType,
      ...(b.chat.threadId ? { threadId: b.chat.threadId } : {}),
      text,
      inReplyTo: [],
      idempotencyKey: `${b.runId}:progress:${++b.sent}`,
      sessionKey: b.chat.sessionKey,
    };
    const pending = b.adapter.send(message);
    b.lastAt = this.#now();
    const result = await pending;
    const id = result.platformMessageId ?? result.platformMessageIds?.at(-1);
    if (id === undefined) {
      b.canEdit = false; // nothing to edit: later lines come as messages of their own
      return;
    }
    b.messageIds.push(id);
    b.shown = text;
    this.#deps.replies?.recordProgress(b.chat.sessionKey, b.runId, b.messageIds);
  }

  #schedule(b: Bubble): void {
    if (b.timer || b.messageIds.length === 0) return;
    const wait = Math.max(0, b.lastAt + this.#interval - this.#now());
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      b.timer = undefined;
      this.#chain(b, () => this.#flush(b));
    }, wait);
    timer.unref?.();
    b.timer = timer;
    this.#timers.add(timer);
  }

  #cancelTimer(b: Bubble): void {
    if (!b.timer) return;
    clearTimeout(b.timer);
    this.#timers.delete(b.timer);
    b.timer = undefined;
  }

  async #flush(b: Bubble): Promise<void> {
    const text = this.#render(b);
    if (text === b.shown || !b.canEdit || b.closed) return;
    if (this.#now() < b.lastAt + this.#interval) {
      this.#schedule(b);
      return;
    }
    const pending = b.adapter.edit!(this.#ref(b, b.messageIds.at(-1)!), text);
    b.lastAt = this.#now();
    b.shown = text;
    await pending;
  }

  async #delete(key: string, entry: Cleanup): Promise<void> {
    this.#cleanups.delete(key);
    const b = entry.bubble;
    for (const id of b.messageIds) {
      try {
        await b.adapter.delete!(this.#ref(b, id));
      } catch (error) {
        this.#deps.log.warn(
          { platform: b.chat.platform, messageId: id, err: errorText(error) },
          'A progress bubble could not be deleted',
        );
      }
    }
  }

  #ref(b: Bubble, messageId: string): MessageRef {
    return {
      chatId: b.chat.chatId,
      chatType: b.chat.chatType,
      ...(b.chat.threadId ? { threadId: b.chat.threadId } : {}),
      messageId,
    };
  }
}
