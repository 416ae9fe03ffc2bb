/**
 * HTTP for the live credential probes: a 5 s timeout, and a network failure
 * becomes a ⚠️ result instead of an exception.
 */
import { type CheckResult, warn } from './check-result.ts';

/** How long a probe waits for the platform. */
export const PROBE_TIMEOUT_MS = 5000;

/** A probe's HTTP answer: status and parsed JSON body (undefined when not JSON). */
export interface ProbeAnswer {
  status: number;
  body: unknown;
}

/**
 * Sends one request and reads its JSON answer, or returns the ⚠️ result for a
 * network failure or timeout (the credentials could not be checked).
 */
export async function probeFetch(
  name: string,
  url: string,
  init: RequestInit = {},
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<ProbeAnswer | CheckResult> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, body };
  } catch (error) {
    const err = error as Error & { cause?: { code?: string; message?: string } };
    const reason =
      err.name === 'TimeoutError'
        ? `no answer within ${timeoutMs / 1000} s`
        : (err.cause?.code ?? err.cause?.message ?? err.message);
    return warn(
      name,
      `could not reach ${new URL(url).origin} to check the credentials (${reason})`,
      'check the network, proxy and DNS of this machine, then run "hermes doctor" again',
    );
  }
}

/** True when `value` is a probe's answer (not an unreachable-network result). */
export function isAnswer(value: ProbeAnswer | CheckResult): value is ProbeAnswer {
  return 'body' in value;
}

/** A field of a JSON object answer. */
export function field(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
}
