/**
 * What the HTTP ingress did with each request, counted per route and reason:
 * accepted (committed to the inbox), skipped (a valid update the adapter's
 * policy filters, e.g. a group message not addressed to the bot), ignored (a
 * payload that cannot be used: not JSON, wrong types, missing chat), rejected
 * (4xx: bad signature, body too large, rate limit) and not committed (503).
 * `hermes gateway status` prints the last recorded counts.
 */

/** How one request ended. */
export type OutcomeKind = 'accepted' | 'skipped' | 'ignored' | 'rejected' | 'not_committed';

/** The counts of one route. */
export interface RouteCounts {
  accepted: number;
  /** Reason → count. */
  skipped: Record<string, number>;
  ignored: Record<string, number>;
  /** `<status> <reason>` → count, e.g. `401 bad_secret`. */
  rejected: Record<string, number>;
  not_committed: Record<string, number>;
}

/** Route (`<owner> <METHOD> <path>`, or `unmatched`) → its counts. */
export type IngressCounts = Record<string, RouteCounts>;

/** The route name requests that matched no route are counted under. */
export const UNMATCHED_ROUTE = 'unmatched';

function emptyCounts(): RouteCounts {
  return { accepted: 0, skipped: {}, ignored: {}, rejected: {}, not_committed: {} };
}

/**
 * Counts outcomes; listeners hear about every change (for persisting them).
 *
 * @example
 * const counters = new IngressCounters();
 * counters.record('telegram POST /telegram', 'ignored', 'invalid_update');
 * counters.snapshot(); // { 'telegram POST /telegram': { accepted: 0, ignored: { invalid_update: 1 }, ... } }
 */
export class IngressCounters {
  readonly #counts = new Map<string, RouteCounts>();
  readonly #listeners = new Set<() => void>();

  /** Counts one outcome of `route`. */
  record(route: string, kind: OutcomeKind, reason = ''): void {
    let counts = this.#counts.get(route);
    if (!counts) {
      counts = emptyCounts();
      this.#counts.set(route, counts);
    }
    if (kind === 'accepted') counts.accepted += 1;
    else counts[kind][reason] = (counts[kind][reason] ?? 0) + 1;
    for (const listener of this.#listeners) listener();
  }

  /** A copy of every count. */
  snapshot(): IngressCounts {
    return Object.fromEntries([...this.#counts].map(([route, counts]) => [route, structuredClone(counts)]));
  }

  /** Calls `listener` after each recorded outcome; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

function listed(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
}

/**
 * One line per route, as `hermes gateway status` prints them.
 *
 * @example
 * formatIngressCounts(counts) // ['telegram POST /telegram: 12 accepted, 2 ignored (invalid_update 2)']
 */
export function formatIngressCounts(counts: IngressCounts): string[] {
  return Object.entries(counts).map(([route, c]) => {
    const parts = [`${c.accepted} accepted`];
    const groups: [string, Record<string, number>][] = [
      ['skipped', c.skipped],
      ['ignored', c.ignored],
      ['rejected', c.rejected],
      ['not committed (503)', c.not_committed],
    ];
    for (const [label, reasons] of groups) {
      const total = Object.values(reasons).reduce((a, b) => a + b, 0);
      if (total > 0) parts.push(`${total} ${label} (${listed(reasons)})`);
    }
    return `${route}: ${parts.join(', ')}`;
  });
}

/** The meta key the gateway keeps the counts of its HTTP ingress under. */
export const INGRESS_COUNTS_KEY = 'http_ingress_counts';

/**
 * Writes the counts to the store's meta table at most every `delayMs` (default 5 s)
 * after a change, so `hermes gateway status` can print them from another terminal.
 *
 * @example
 * const recorder = recordIngressCounts(http.counters, store.meta, (err) => log.warn({ err }, 'not saved'));
 * await recorder.flush(); // at stop
 */
export function recordIngressCounts(
  counters: IngressCounters,
  meta: { set(key: string, value: string): Promise<void> },
  onError: (error: unknown) => void,
  delayMs = 5000,
): { flush(): Promise<void>; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let dirty = false;
  const write = async () => {
    timer = undefined;
    if (!dirty) return;
    dirty = false;
    try {
      await meta.set(INGRESS_COUNTS_KEY, JSON.stringify(counters.snapshot()));
    } catch (error) {
      onError(error);
    }
  };
  const unsubscribe = counters.onChange(() => {
    dirty = true;
    timer ??= setTimeout(() => void write(), delayMs);
    timer.unref?.();
  });
  return {
    async flush() {
      clearTimeout(timer);
      await write();
    },
    stop() {
      unsubscribe();
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
