/**
 * "Typing…" while the agent works: for a session in a run, the adapter's
 * `sendTyping` is called at once and then every few seconds (platforms show it
 * for about five), until the run ends. Only adapters that declare `typing` get it.
 */
import type { SessionView } from '../actors/session-directory.ts';
import type { Adapter } from '../adapters/contract.ts';
import { errorText, type RuntimeLogger } from '../log/runtime-logger.ts';
import { IN_FLIGHT_STATES } from '../machines/session.ts';

/** How often typing is renewed while a run lasts. */
export const TYPING_RENEW_MS = 4_000;

/**
 * Tracks which sessions are working and keeps their chats showing "typing…".
 *
 * @example
 * const typing = new TypingIndicator({ adapters, log });
 * directory.onChange = (view) => typing.update(view);
 */
export class TypingIndicator {
  readonly #adapters: ReadonlyMap<string, Adapter>;
  readonly #log: RuntimeLogger;
  readonly #renewMs: number;
  readonly #timers = new Map<string, ReturnType<typeof setInterval>>();

  constructor(opts: { adapters: ReadonlyMap<string, Adapter>; log: RuntimeLogger; renewMs?: number }) {
    this.#adapters = opts.adapters;
    this.#log = opts.log;
    this.#renewMs = opts.renewMs ?? TYPING_RENEW_MS;
  }

  /** Called on every change of a session. */
  update(session: SessionView): void {
    const working = (IN_FLIGHT_STATES as readonly string[]).includes(session.state) && session.active;
    const key = session.sessionKey;
    if (!working) {
      const timer = this.#timers.get(key);
      if (timer) clearInterval(timer);
      this.#timers.delete(key);
      return;
    }
    if (this.#timers.has(key)) return;
    const { platform, chatId, chatType, threadId } = session.context;
    const adapter = this.#adapters.get(platform);
    if (!adapter?.capabilities.typing || !adapter.sendTyping) return;
    const send = () => {
      adapter
        .sendTyping?.({ chatId, chatType, ...(threadId ? { threadId } : {}) })
        .catch((error) => this.#log.debug({ platform, err: errorText(error) }, 'Typing indicator failed'));
    };
    send();
    const timer = setInterval(send, this.#renewMs);
    timer.unref();
    this.#timers.set(key, timer);
  }

  /** Stops every indicator (gateway stop). */
  stop(): void {
    for (const timer of this.#timers.values()) clearInterval(timer);
    this.#timers.clear();
  }
}
