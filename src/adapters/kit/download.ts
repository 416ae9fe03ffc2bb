/**
 * Downloading an inbound attachment with a size cap: the wire names the URL and
 * the credentials, the kit refuses what is too large (by its header or while it
 * streams) and classifies HTTP and network failures.
 */
import { type Failure, httpFailure, isNetworkError } from './failure.ts';

/** Default cap of one inbound attachment: 25 MB. */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

/** A download that failed, with its classified reason (wires return it from `classify`). */
export class DownloadError extends Error {
  readonly failure: Failure;
  constructor(failure: Failure, options?: ErrorOptions) {
    super(failure.message ?? failure.reason, options);
    this.name = 'DownloadError';
    this.failure = failure;
  }
}

/** Options of `downloadAttachment`. */
export interface DownloadOptions {
  headers?: Record<string, string>;
  /** Largest body accepted (default 25 MB). */
  maxBytes?: number;
  signal?: AbortSignal;
  /** Follow redirects (default true; `manual` to check where they lead first). */
  redirect?: 'follow' | 'manual' | 'error';
}

/**
 * Fetches `url` and returns its bytes, refusing more than `maxBytes`.
 *
 * @throws DownloadError with `too_large`, `not_found`, `unauthorized`, `upstream_5xx`, `network`, ...
 * @example
 * const bytes = await downloadAttachment(url, { headers: { authorization: `Bearer ${token}` }, maxBytes: 20e6 });
 */
export async function downloadAttachment(url: string, options: DownloadOptions = {}): Promise<Uint8Array> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES;
  let response: Response;
  try {
    response = await fetch(url, {
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.redirect ? { redirect: options.redirect } : {}),
    });
  } catch (error) {
    throw new DownloadError(
      { reason: isNetworkError(error) ? 'network' : 'unknown', message: `download failed: ${String(error)}` },
      { cause: error },
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    const failure = httpFailure(response.status);
    throw new DownloadError({ ...failure, message: `download failed: HTTP ${response.status}` });
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new DownloadError(tooLarge(declared, maxBytes));
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    for await (const chunk of response.body) {
      total += chunk.byteLength;
      if (total > maxBytes) throw new DownloadError(tooLarge(total, maxBytes));
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks);
}

function tooLarge(bytes: number, maxBytes: number): Failure {
  return {
    reason: 'too_large',
    message: `the file is over the limit of ${maxBytes} bytes (at least ${bytes})`,
  };
}
