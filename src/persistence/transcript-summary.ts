/**
 * Usage analytics of the transcript (`TranscriptStore.summary`): every store
 * groups its entries by (session key, model) and this turns the groups into
 * totals by platform and by model, the same way for every dialect.
 */
import type { TranscriptSummary, UsageTotals } from './store.ts';

/** Usage of the entries of one session answered by one model. */
export interface SessionModelUsage {
  sessionKey: string;
  model: string | null;
  turns: number;
  inputTokens: number;
  outputTokens: number;
}

/** The platform of a session key: the part before its first colon. */
export function platformOfSessionKey(sessionKey: string): string {
  const colon = sessionKey.indexOf(':');
  return colon === -1 ? sessionKey : sessionKey.slice(0, colon);
}

interface Bucket {
  sessions: Set<string>;
  turns: number;
  inputTokens: number;
  outputTokens: number;
}

/** The bucket of `key`, created empty on first use. */
function bucketOf<K>(buckets: Map<K, Bucket>, key: K): Bucket {
  let bucket = buckets.get(key);
  if (!bucket) {
    bucket = { sessions: new Set(), turns: 0, inputTokens: 0, outputTokens: 0 };
    buckets.set(key, bucket);
  }
  return bucket;
}

function add(bucket: Bucket, group: SessionModelUsage): void {
  bucket.sessions.add(group.sessionKey);
  bucket.turns += group.turns;
  bucket.inputTokens += group.inputTokens;
  bucket.outputTokens += group.outputTokens;
}

function totalsOf(bucket: Bucket): UsageTotals {
  return {
    sessions: bucket.sessions.size,
    turns: bucket.turns,
    inputTokens: bucket.inputTokens,
    outputTokens: bucket.outputTokens,
  };
}

/** Most tokens first, then by name (nulls last), so the order never depends on the store. */
function byTokens<K extends string | null>(entries: [K, Bucket][]): [K, Bucket][] {
  const tokens = (b: Bucket) => b.inputTokens + b.outputTokens;
  return entries.sort(
    ([ka, a], [kb, b]) =>
      tokens(b) - tokens(a) ||
      b.turns - a.turns ||
      (ka === kb ? 0 : ka === null ? 1 : kb === null ? -1 : ka < kb ? -1 : 1),
  );
}

/**
 * Totals, by platform and by model, of the usage groups of a transcript slice.
 *
 * @example
 * summarizeUsage([{ sessionKey: 'telegram:dm:1', model: 'gpt-4o', turns: 2, inputTokens: 90, outputTokens: 30 }])
 * // { sessions: 1, turns: 2, inputTokens: 90, outputTokens: 30, byPlatform: [{ platform: 'telegram', ... }], byModel: [...] }
 */
export function summarizeUsage(groups: readonly SessionModelUsage[]): TranscriptSummary {
  const total = bucketOf(new Map<null, Bucket>(), null);
  const platforms = new Map<string, Bucket>();
  const models = new Map<string | null, Bucket>();
  for (const group of groups) {
    add(total, group);
    add(bucketOf(platforms, platformOfSessionKey(group.sessionKey)), group);
    if (group.turns === 0 && group.inputTokens === 0 && group.outputTokens === 0) continue;
    add(bucketOf(models, group.model), group);
  }
  return {
    ...totalsOf(total),
    byPlatform: byTokens([...platforms]).map(([platform, b]) => ({ platform, ...totalsOf(b) })),
    byModel: byTokens([...models]).map(([model, b]) => ({ model, ...totalsOf(b) })),
  };
}
