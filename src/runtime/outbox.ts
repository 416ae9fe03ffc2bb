/**
 * The outbox facade: the store's outbox, whose writes that make a reply ready to
 * send also wake the sender once they committed. Everything in the gateway
 * enqueues through it (the composition root hands the other parts a store whose
 * `outbox` is this facade), so no caller wakes the sender by hand.
 */
import type { OutboundMessage } from '../adapters/contract.ts';
import type { OutboxStore, Store } from '../persistence/store.ts';

/**
 * An `OutboxStore` that wakes the sender after each committed reply.
 *
 * @example
 * const outbox = new Outbox(store.outbox, (platform) => sender.notify(platform));
 * await outbox.enqueue('telegram', reply); // committed, and the sender is awake
 */
export class Outbox implements OutboxStore {
  readonly #rows: OutboxStore;
  readonly #wake: (platform: string) => void;

  /**
   * @param rows - the store's outbox
   * @param wake - wakes the sender for a platform (a no-op while it is not running: it scans at start)
   */
  constructor(rows: OutboxStore, wake: (platform: string) => void) {
    this.#rows = rows;
    this.#wake = wake;
  }

  async enqueue(platform: string, message: OutboundMessage): Promise<number> {
    const id = await this.#rows.enqueue(platform, message);
    this.#wake(platform);
    return id;
  }

  async saveStream(
    platform: string,
    message: OutboundMessage,
    status: 'streaming' | 'pending',
  ): Promise<void> {
    await this.#rows.saveStream(platform, message, status);
    // a stream row is sent once its final text is `pending`
    if (status === 'pending') this.#wake(platform);
  }

  markSending(id: number): Promise<void> {
    return this.#rows.markSending(id);
  }

  markSent(id: number, platformMessageId?: string): Promise<void> {
    return this.#rows.markSent(id, platformMessageId);
  }

  markRetry(id: number, error: string): Promise<void> {
    return this.#rows.markRetry(id, error);
  }

  markFailed(id: number, error: string): Promise<void> {
    return this.#rows.markFailed(id, error);
  }

  listByStatus: OutboxStore['listByStatus'] = (statuses, platform, sessionKey) =>
    this.#rows.listByStatus(statuses, platform, sessionKey);

  recoverInFlight(): Promise<number> {
    return this.#rows.recoverInFlight();
  }

  beginStream(sessionKey: string, adoptAs?: string): Promise<OutboundMessage | undefined> {
    return this.#rows.beginStream(sessionKey, adoptAs);
  }
}

/**
 * The same store with `outbox` replaced (every other part is the store itself, its methods
 * bound to it).
 *
 * @example
 * const store = withOutbox(options.store, new Outbox(options.store.outbox, wake));
 */
export function withOutbox(store: Store, outbox: OutboxStore): Store {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'outbox') return outbox;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
