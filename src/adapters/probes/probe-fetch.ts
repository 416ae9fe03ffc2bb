/**
 * HTTP for the live credential probes: one request with a timeout, its JSON
 * answer, and a network failure turned into an `unreachable` result.
 */
import { type ProbeResult, unreachable } from './probe-result.ts';

/** A probe's HTTP answer: status and parsed JSON body (undefined when not JSON). */
export interface ProbeAnswer {
  status: number;
  body: unknown;
}

/**
 * Sends one request and reads its JSON answer, or returns `unreachable` on
 * `variable` for a network failure or timeout.
 */
export async function probeFetch(
  variable: string,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<ProbeAnswer | ProbeResult> {
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
    return unreachable(variable, `could not reach ${new URL(url).origin} to check it (${reason})`);
  }
}

/** True when `value` is an HTTP answer (not an `unreachable` result). */
export function isAnswer(value: ProbeAnswer | ProbeResult): value is ProbeAnswer {
  return 'body' in value;
}

/** A field of a JSON object answer. */
export function field(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
}

/** `unreachable` for an answer that is neither an acceptance nor a clear rejection (e.g. HTTP 502). */
export function unexpectedAnswer(variable: string, what: string, answer: ProbeAnswer): ProbeResult {
  const detail =
    field(answer.body, 'description') ?? field(answer.body, 'error') ?? field(answer.body, 'message');
  return unreachable(
    variable,
    `${what} answered HTTP ${answer.status}${detail ? ` (${String(detail)})` : ''}`,
    'try again later; if it persists, check the platform status page and the API address',
  );
}
