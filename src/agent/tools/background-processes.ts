/**
 * Background processes: commands the agent started with
 * `terminal(background=true)`. Each runs in its own process group, detached
 * from the run that started it (an interrupt leaves it running), keeps the tail
 * of its output, and tells the chat that started it about its progress as
 * `display.background_process_notifications` says:
 *
 * - `all`: output updates (at most one per update interval, only when there is
 *   new output) and the final message;
 * - `result`: only the final message;
 * - `error`: only the final message of a process that failed;
 * - `off`: nothing.
 *
 * Stopping the registry (the gateway stops) ends every process group.
 */

import type { BACKGROUND_NOTIFICATION_MODES } from '../../config/schema.ts';
import { type ProcessGroupExit, type RunningProcessGroup, runInProcessGroup } from '../process-group.ts';

/** What a background process tells its chat. */
export type BackgroundNotificationMode = (typeof BACKGROUND_NOTIFICATION_MODES)[number];

/** Sends one notification to the chat that started a process; `key` names it uniquely. */
export type BackgroundNotify = (text: string, key: string) => void;

/** Options of a {@link BackgroundProcesses} registry. */
export interface BackgroundProcessesOptions {
  /** Which notifications are sent (default `all`). */
  mode?: BackgroundNotificationMode;
  /** Least time between two output updates in `all` mode, in milliseconds (default 10 000). */
  updateIntervalMs?: number;
  /** Output characters kept per process (default 64 000); the tail is kept. */
  maxOutputChars?: number;
  /** Finished processes remembered for the `process` tool (default 50); older ones are forgotten. */
  keepFinished?: number;
}

/** What a background process is doing. */
export type BackgroundStatus = 'running' | 'exited' | 'killed' | 'failed-to-start';

/** One background process as the registry shows it. */
export interface BackgroundProcessView {
  /** Short id (`bg1`, `bg2`, ...), unique within the registry. */
  id: string;
  command: string;
  /** Process id of the group leader (also the process group id). */
  pid: number | undefined;
  /** The session that started it. */
  sessionKey: string;
  /** Start time (epoch ms). */
  started: number;
  status: BackgroundStatus;
  /** Exit code once it exited on its own; `null` while running or when a signal ended it. */
  exitCode: number | null;
  /** The signal that ended it, if any. */
  signal: NodeJS.Signals | null;
}

/** How to start one background process. */
export interface StartBackgroundOptions {
  command: string;
  /** The session that starts it; only that session's `process` tool sees it. */
  sessionKey: string;
  cwd?: string;
  /** Stops the process after this many milliseconds; no limit when absent. */
  timeoutMs?: number;
  /** Where its notifications go; none are sent without it. */
  notify?: BackgroundNotify;
}

const DEFAULT_UPDATE_INTERVAL_MS = 10_000;
const DEFAULT_MAX_OUTPUT_CHARS = 64_000;
const DEFAULT_KEEP_FINISHED = 50;
/** How much output a chat message shows: the last lines, at most this many. */
const MESSAGE_TAIL_LINES = 20;
const MESSAGE_TAIL_CHARS = 1500;

interface Entry {
  view: BackgroundProcessView;
  group: RunningProcessGroup;
  /** The kept tail of the output. */
  output: string;
  /** Characters received in all. */
  total: number;
  /** `total` when the last update was sent. */
  reported: number;
  lastUpdateAt: number;
  updateTimer: NodeJS.Timeout | undefined;
  notify: BackgroundNotify | undefined;
  notifications: number;
  /** Set when the `process` tool or the registry's stop ended it. */
  stoppedBy: 'kill' | 'shutdown' | undefined;
  /** A token unique to this process across restarts, for notification keys. */
  uid: string;
  /** Resolves once the registry has recorded the end of the process. */
  ended: Promise<void>;
}

/**
 * The registry of background processes of one agent.
 *
 * @example
 * const processes = new BackgroundProcesses({ mode: 'result' });
 * const view = processes.start({ command: 'npm test', sessionKey, notify: (text) => send(text) });
 * await processes.stopAll();
 */
export class BackgroundProcesses {
  readonly #mode: BackgroundNotificationMode;
  readonly #updateIntervalMs: number;
  readonly #maxOutputChars: number;
  readonly #keepFinished: number;
  readonly #entries = new Map<string, Entry>();
  #count = 0;
  #stopping = false;

  constructor(options: BackgroundProcessesOptions = {}) {
    this.#mode = options.mode ?? 'all';
    this.#updateIntervalMs = options.updateIntervalMs ?? DEFAULT_UPDATE_INTERVAL_MS;
    this.#maxOutputChars = options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS;
    this.#keepFinished = options.keepFinished ?? DEFAULT_KEEP_FINISHED;
  }

  /**
   * Starts `/bin/sh -c command` in its own process group and returns at once.
   * Resolves when the process is running (or rejects when it cannot start,
   * e.g. a missing `cwd`).
   */
  async start(options: StartBackgroundOptions): Promise<BackgroundProcessView> {
    if (this.#stopping) throw new Error('the gateway is stopping; no background process can start');
    const id = `bg${++this.#count}`;
    const started = Date.now();
    const group = runInProcessGroup({
      command: options.command,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      onStdout: (text) => this.#append(entry, text),
      onStderr: (text) => this.#append(entry, text),
    });
    const entry: Entry = {
      view: {
        id,
        command: options.command,
        pid: group.pid,
        sessionKey: options.sessionKey,
        started,
        status: 'running',
        exitCode: null,
        signal: null,
      },
      group,
      output: '',
      total: 0,
      reported: 0,
      lastUpdateAt: started,
      updateTimer: undefined,
      notify: options.notify,
      notifications: 0,
      stoppedBy: undefined,
      uid: `${id}-${started.toString(36)}`,
      ended: Promise.resolve(),
    };
    if (group.pid === undefined) {
      // spawning failed: `done` rejects with the reason
      entry.view.status = 'failed-to-start';
      await group.done;
      throw new Error('the command could not be started');
    }
    this.#entries.set(id, entry);
    entry.ended = group.done.then(
      (exit) => this.#finish(entry, exit),
      () => this.#finish(entry, { code: null, signal: null, stopped: null }),
    );
    return { ...entry.view };
  }

  /** The processes one session started, oldest first. */
  list(sessionKey: string): BackgroundProcessView[] {
    return [...this.#entries.values()]
      .filter((e) => e.view.sessionKey === sessionKey)
      .map((e) => ({ ...e.view }));
  }

  /** A process of a session with its kept output, or undefined when the session has no such process. */
  get(sessionKey: string, id: string): (BackgroundProcessView & { output: string }) | undefined {
    const entry = this.#entries.get(id);
    if (!entry || entry.view.sessionKey !== sessionKey) return undefined;
    return { ...entry.view, output: this.#outputOf(entry) };
  }

  /**
   * Ends a session's process (its whole group). Resolves with its final view,
   * or undefined when the session has no such process.
   */
  async kill(sessionKey: string, id: string): Promise<BackgroundProcessView | undefined> {
    const entry = this.#entries.get(id);
    if (!entry || entry.view.sessionKey !== sessionKey) return undefined;
    if (entry.view.status === 'running') {
      entry.stoppedBy = 'kill';
      await entry.group.stop('aborted');
      await entry.ended;
    }
    return { ...entry.view };
  }

  /** Ends every running process group (the gateway stops); no notification is sent for them. */
  async stopAll(): Promise<void> {
    this.#stopping = true;
    const running = [...this.#entries.values()].filter((e) => e.view.status === 'running');
    for (const entry of running) {
      entry.stoppedBy = 'shutdown';
      clearTimeout(entry.updateTimer);
    }
    await Promise.all(running.map((e) => e.group.stop('aborted').then(() => e.ended)));
  }

  #append(entry: Entry, text: string): void {
    entry.total += text.length;
    entry.output += text;
    if (entry.output.length > this.#maxOutputChars * 2) {
      entry.output = entry.output.slice(-this.#maxOutputChars);
    }
    if (this.#mode === 'all' && entry.notify && !entry.updateTimer && entry.view.status === 'running') {
      const wait = Math.max(0, entry.lastUpdateAt + this.#updateIntervalMs - Date.now());
      entry.updateTimer = setTimeout(() => this.#sendUpdate(entry), wait);
    }
  }

  #sendUpdate(entry: Entry): void {
    entry.updateTimer = undefined;
    if (entry.view.status !== 'running' || entry.stoppedBy) return;
    const fresh = Math.min(entry.total - entry.reported, entry.output.length);
    if (fresh <= 0) return;
    const tail = messageTail(entry.output.slice(-fresh));
    entry.reported = entry.total;
    entry.lastUpdateAt = Date.now();
    if (tail.trim() === '') return;
    this.#send(entry, `⚙️ ${entry.view.id} output:\n\`\`\`\n${tail}\n\`\`\``);
  }

  #finish(entry: Entry, exit: ProcessGroupExit): void {
    clearTimeout(entry.updateTimer);
    entry.updateTimer = undefined;
    const { view } = entry;
    view.exitCode = exit.code;
    view.signal = exit.signal;
    view.status = entry.stoppedBy || exit.stopped ? 'killed' : 'exited';
    if (entry.stoppedBy !== 'shutdown') {
      const text = this.#finalMessage(entry, exit);
      if (text) this.#send(entry, text);
    }
    this.#forgetOldFinished();
  }

  #finalMessage(entry: Entry, exit: ProcessGroupExit): string | undefined {
    const { id, command } = entry.view;
    const tail = messageTail(entry.output);
    const block = tail.trim() === '' ? '' : `\n\`\`\`\n${tail}\n\`\`\``;
    const ok = exit.code === 0 && exit.stopped === null;
    if (entry.stoppedBy === 'kill') {
      return this.#mode === 'all' || this.#mode === 'result'
        ? `⏹️ Background process ${id} was stopped: ${command}${block}`
        : undefined;
    }
    if (ok) {
      return this.#mode === 'all' || this.#mode === 'result'
        ? `✅ Background process ${id} finished (exit 0): ${command}${block}`
        : undefined;
    }
    if (this.#mode === 'off') return undefined;
    const how =
      exit.stopped === 'timeout'
        ? 'timed out'
        : exit.code !== null
          ? `exit ${exit.code}`
          : `killed by ${exit.signal ?? 'a signal'}`;
    return `❌ Background process ${id} failed (${how}): ${command}${block}`;
  }

  #send(entry: Entry, text: string): void {
    if (!entry.notify || this.#mode === 'off') return;
    try {
      entry.notify(text, `${entry.uid}:${++entry.notifications}`);
    } catch {
      // a notification that cannot be queued is lost; the process tool still shows the output
    }
  }

  #outputOf(entry: Entry): string {
    if (entry.total <= this.#maxOutputChars) return entry.output;
    const omitted = entry.total - this.#maxOutputChars;
    return `[output truncated: the first ${omitted} of ${entry.total} characters are omitted]\n${entry.output.slice(-this.#maxOutputChars)}`;
  }

  #forgetOldFinished(): void {
    const finished = [...this.#entries.values()].filter((e) => e.view.status !== 'running');
    for (const entry of finished.slice(0, Math.max(0, finished.length - this.#keepFinished))) {
      this.#entries.delete(entry.view.id);
    }
  }
}

/** The last lines of `text` for a chat message: at most 20 lines and 1500 characters. */
export function messageTail(text: string): string {
  const lines = text.replace(/\n+$/, '').split('\n').slice(-MESSAGE_TAIL_LINES);
  let tail = lines.join('\n');
  if (tail.length > MESSAGE_TAIL_CHARS) tail = `…${tail.slice(-(MESSAGE_TAIL_CHARS - 1))}`;
  // a code fence inside the output would end the block early
  return tail.replace(/```/g, '`\u200b``');
}
