/**
 * Threads the bot takes part in. In a channel, a reply in a thread is answered
 * without a mention when the bot has posted in that thread. The adapter
 * remembers the threads it posted in; for a thread it does not know (after a
 * restart) it reads the thread once with `conversations.replies`.
 */
import type { webApi } from '@slack/bolt';
import type { BotIdentity } from './inbound-event.ts';

const MAX_ENTRIES = 10_000;
const NEGATIVE_TTL_MS = 10 * 60 * 1000;

/** Remembers which threads the bot is in. */
export class ThreadMembership {
  readonly #client: webApi.WebClient;
  readonly #self: BotIdentity;
  readonly #known = new Map<string, { member: boolean; at: number }>();

  constructor(client: webApi.WebClient, self: BotIdentity) {
    this.#client = client;
    this.#self = self;
  }

  /** Notes that the bot posted in a thread. */
  joined(channel: string, threadTs: string): void {
    this.#remember(key(channel, threadTs), true);
  }

  /** Whether the bot has posted in the thread (asks Slack when unknown). */
  async isMember(channel: string, threadTs: string): Promise<boolean> {
    const k = key(channel, threadTs);
    const hit = this.#known.get(k);
    if (hit?.member) return true;
    if (hit && Date.now() - hit.at < NEGATIVE_TTL_MS) return false;
    let member = false;
    try {
      const replies = await this.#client.conversations.replies({ channel, ts: threadTs, limit: 200 });
      member = (replies.messages ?? []).some(
        (m) =>
          m.user === this.#self.userId || (this.#self.botId !== undefined && m.bot_id === this.#self.botId),
      );
    } catch {
      return false;
    }
    this.#remember(k, member);
    return member;
  }

  #remember(k: string, member: boolean): void {
    this.#known.delete(k);
    if (this.#known.size >= MAX_ENTRIES) this.#known.delete(this.#known.keys().next().value as string);
    this.#known.set(k, { member, at: Date.now() });
  }
}

function key(channel: string, threadTs: string): string {
  return `${channel}:${threadTs}`;
}
