/**
 * What the load generator is asked to do and what it reports back (shared by
 * the parent that forks it and the child that runs it).
 */
import type { LatencySummary } from './latency-stats.ts';

/** How requests choose their session (`X-Hermes-Session-Id`). */
export type SessionMode =
  /** `count` sessions named `<prefix>-<n>`; request `i` goes to session `i % count` (several may queue on one). */
  | { mode: 'per-client'; count: number; prefix: string }
  /** No session header: the server starts a fresh session for every request. */
  | { mode: 'fresh' };

/** One load run: a warm-up, then a measured phase bounded by a request count and a time limit. */
export interface LoadSpec {
  /** Name of the target in the report. */
  label: string;
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  baseUrl: string;
  /** Bearer key sent as `Authorization`, when the target needs one. */
  bearer?: string;
  /** Requests in flight at any time (one keep-alive connection each). */
  concurrency: number;
  sessions: SessionMode;
  /** Requests sent (and not measured) before the measured phase. */
  warmupRequests: number;
  /** Requests measured at most. */
  measureRequests: number;
  /** The measured phase stops issuing new requests after this many milliseconds. */
  maxMeasureMs: number;
  /** A request that takes longer fails. */
  requestTimeoutMs: number;
}

/** Counts of one phase. */
export interface PhaseCounts {
  /** Requests answered with 200 and the expected echo. */
  completed: number;
  /** Requests that failed (transport error, timeout or a status other than 200). */
  errors: number;
  /** Requests answered with 200 but not with the text that was sent. */
  mismatched: number;
  elapsedMs: number;
}

/** What one load run measured. */
export interface LoadResult {
  label: string;
  concurrency: number;
  sessions: SessionMode;
  warmup: PhaseCounts;
  measured: PhaseCounts & {
    /** Completed requests per second of the measured phase. */
    requestsPerSecond: number;
    /** Latency of the completed requests, in milliseconds. */
    latency: LatencySummary;
  };
  /** The first failure seen, for the report. */
  firstError?: string;
}

/** Messages the load client sends to its parent. */
export type LoadClientMessage =
  /** The warm-up is over; the client waits for `go` before the measured phase. */
  { type: 'warm' } | { type: 'result'; result: LoadResult } | { type: 'error'; message: string };

/** Messages the parent sends to the load client. */
export type LoadParentMessage = { type: 'run'; spec: LoadSpec } | { type: 'go' };

/** The route every target answers. */
export const CHAT_COMPLETIONS_PATH = '/v1/chat/completions';
