/**
 * Display names of Slack users (`users.info`), cached for an hour so a busy
 * channel costs one lookup per person. A failed lookup is not an error: the
 * message goes on without a name.
 */
import type { webApi } from '@slack/bolt';

const TTL_MS = 60 * 60 * 1000;
const MAX_ENTRIES = 5000;

/** The name a person shows in Slack: display name, else real name, else handle. */
export function displayNameOf(user: webApi.UsersInfoResponse['user']): string | undefined {
  const name = user?.profile?.display_name || user?.profile?.real_name || user?.real_name || user?.name;
  return name?.trim() || undefined;
}

/** Looks up and remembers user names. */
export class UserNames {
  readonly #client: webApi.WebClient;
  readonly #cache = new Map<string, { name: string | undefined; at: number }>();

  constructor(client: webApi.WebClient) {
    this.#client = client;
  }

  /** The display name of `userId`, or undefined when Slack did not tell. */
  async nameOf(userId: string): Promise<string | undefined> {
    const hit = this.#cache.get(userId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.name;
    let name: string | undefined;
    try {
      name = displayNameOf((await this.#client.users.info({ user: userId })).user);
    } catch {
      return hit?.name;
    }
    if (this.#cache.size >= MAX_ENTRIES) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(userId, { name, at: Date.now() });
    return name;
  }
}
