/**
 * One ingest per Slack message. Slack can deliver a message more than once: as
 * both a `message` and an `app_mention` event, and again when it retries an
 * unacknowledged delivery. The first delivery is ingested; a copy arriving
 * while it is in flight waits for it, and a copy arriving later is dropped.
 * A failed ingest is forgotten so Slack's retry can try again.
 */

const MAX_DONE = 5000;

/** Coalesces deliveries of the same platform message id. */
export class DeliveryDedupe {
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #done = new Set<string>();

  /**
   * Runs `ingest` for the first delivery of `id`; copies wait for it or return at once.
   * Resolves `true` when this call ran the ingest.
   */
  async once(id: string, ingest: () => Promise<void>): Promise<boolean> {
    if (this.#done.has(id)) return false;
    const running = this.#inFlight.get(id);
    if (running) {
      await running;
      return false;
    }
    const work = ingest();
    this.#inFlight.set(id, work);
    try {
      await work;
      this.#done.add(id);
      if (this.#done.size > MAX_DONE) this.#done.delete(this.#done.values().next().value as string);
      return true;
    } finally {
      this.#inFlight.delete(id);
    }
  }
}
