/**
 * Downloads a file over http(s) with a size cap and a time limit: the body is
 * read only up to the cap, so a huge or endless answer costs no more than that.
 */
import { GatewayError } from '../errors.ts';
import { formatBytes } from './mime-types.ts';

/** What a capped download gave. */
export interface FetchedFile {
  data: Buffer;
  /** The `Content-Type` the server answered with, if any. */
  contentType: string | undefined;
}

/** Why a capped download failed: the answer was too large, or anything else went wrong. */
export type FetchFailure = 'too_large' | 'failed';

/**
 * Fetches `url` (http or https only). Rejects with a `GatewayError`
 * (`GATEWAY_ERR_MEDIA`) whose `details.failure` is `too_large` or `failed`.
 *
 * @example
 * const { data, contentType } = await fetchCapped('https://example.com/cat.png', { maxBytes: 20 << 20, timeoutMs: 15_000 });
 */
export async function fetchCapped(
  url: string,
  options: { maxBytes: number; timeoutMs: number; headers?: Record<string, string> },
): Promise<FetchedFile> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw failure('failed', `${shorten(url)} is not a URL`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw failure('failed', `only http and https URLs can be fetched, not ${target.protocol}`);
  }
  const signal = AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  try {
    response = await fetch(target, { signal, redirect: 'follow', headers: options.headers ?? {} });
  } catch (error) {
    const why = signal.aborted ? `no answer within ${options.timeoutMs / 1000} s` : errorMessage(error);
    throw failure('failed', `fetching ${target.host} failed: ${why}`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw failure('failed', `${target.host} answered HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw failure('too_large', tooLargeText(declared, options.maxBytes));
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength;
      if (size > options.maxBytes) {
        await response.body?.cancel().catch(() => {});
        throw failure('too_large', `the file is over the limit of ${formatBytes(options.maxBytes)}`);
      }
      chunks.push(Buffer.from(chunk));
    }
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    const why = signal.aborted ? `no answer within ${options.timeoutMs / 1000} s` : errorMessage(error);
    throw failure('failed', `reading from ${target.host} failed: ${why}`);
  }
  return { data: Buffer.concat(chunks), contentType: response.headers.get('content-type') ?? undefined };
}

/** The text of a size over the cap. */
export function tooLargeText(sizeBytes: number, maxBytes: number): string {
  return `the file is ${formatBytes(sizeBytes)}, over the limit of ${formatBytes(maxBytes)}`;
}

function failure(kind: FetchFailure, message: string): GatewayError {
  return new GatewayError('GATEWAY_ERR_MEDIA', message, { failure: kind });
}

function errorMessage(error: unknown): string {
  const cause = (error as { cause?: { message?: unknown } })?.cause?.message;
  if (typeof cause === 'string' && cause) return cause;
  return error instanceof Error ? error.message : String(error);
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
