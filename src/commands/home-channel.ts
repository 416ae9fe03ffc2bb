/**
 * A platform's home channel (`/sethome`): the chat where the gateway posts what
 * belongs to no conversation (cron results without an origin, restart notices).
 * Kept in the store's meta table under `home_channel:<platform>`, one per platform.
 */
import type { ChatType } from '../adapters/contract.ts';
import type { MetaStore, Store } from '../persistence/store.ts';

/** Where a platform's home channel is, and who set it when. */
export interface HomeChannel {
  platform: string;
  chatId: string;
  chatType: ChatType;
  threadId: string | null;
  /** The user who ran `/sethome`. */
  setBy: string;
  /** Epoch ms. */
  setAt: number;
}

/** The meta key of a platform's home channel. */
export function homeChannelKey(platform: string): string {
  return `home_channel:${platform}`;
}

/** Whether a parsed value has the shape of a `HomeChannel`. */
function isHomeChannel(value: unknown): value is HomeChannel {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.platform === 'string' &&
    typeof v.chatId === 'string' &&
    typeof v.chatType === 'string' &&
    (v.threadId === null || typeof v.threadId === 'string') &&
    typeof v.setBy === 'string' &&
    typeof v.setAt === 'number'
  );
}

/**
 * The home channel of `platform`, or undefined when none was set (or the stored
 * value is unreadable).
 *
 * @example
 * const home = await readHomeChannel(store.meta, 'telegram');
 */
export async function readHomeChannel(meta: MetaStore, platform: string): Promise<HomeChannel | undefined> {
  const text = await meta.get(homeChannelKey(platform));
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isHomeChannel(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stores `home` as its platform's home channel; resolves after commit.
 *
 * @example
 * await writeHomeChannel(store.meta, { platform: 'telegram', chatId: '42', chatType: 'dm', threadId: null, setBy: '42', setAt: Date.now() });
 */
export async function writeHomeChannel(meta: MetaStore, home: HomeChannel): Promise<void> {
  await meta.set(homeChannelKey(home.platform), JSON.stringify(home));
}

/**
 * Queues `text` to a platform's home channel (set with /sethome) through the
 * outbox; `idempotencyKey` keeps it to one message.
 *
 * @returns false when the platform has no home channel.
 */
export async function queueToHomeChannel(
  store: Store,
  platform: string,
  text: string,
  idempotencyKey: string,
): Promise<boolean> {
  const home = await readHomeChannel(store.meta, platform);
  if (!home) return false;
  await store.outbox.enqueue(platform, {
    chatId: home.chatId,
    chatType: home.chatType,
    ...(home.threadId ? { threadId: home.threadId } : {}),
    text,
    inReplyTo: [],
    idempotencyKey,
    sessionKey: `home:${platform}`,
  });
  return true;
}
