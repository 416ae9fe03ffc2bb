/**
 * Latency summaries: percentiles by the nearest-rank method over every
 * recorded sample (no histogram buckets, no sampling).
 */

/** Percentiles of a set of latencies, in milliseconds. */
export interface LatencySummary {
  samples: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile `p` (0..100) of samples sorted ascending; 0 for no samples. */
export function percentile(sorted: Float64Array | readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}

/**
 * Summarises latencies in milliseconds.
 *
 * @example
 * summarizeLatencies([3, 1, 2]); // { samples: 3, mean: 2, p50: 2, p90: 3, p99: 3, max: 3 }
 */
export function summarizeLatencies(latenciesMs: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(latenciesMs).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    samples: sorted.length,
    mean: sorted.length === 0 ? 0 : sum / sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? 0 : (sorted[sorted.length - 1] ?? 0),
  };
}
