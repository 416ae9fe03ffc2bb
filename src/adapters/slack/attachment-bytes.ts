/**
 * Bytes of attachments, both ways. Inbound Slack files are private: they are
 * downloaded from `url_private_download` with the bot token as a Bearer token,
 * which is only ever sent to Slack's own hosts (or the configured API host).
 * Outbound attachments come inline (base64), as a local path or as a URL.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { AdapterError } from '../../errors.ts';
import type { Attachment } from '../contract.ts';
import { SLACK_PLATFORM, toAdapterError } from './slack-errors.ts';

/** Whether the bot token may be sent to `url`: Slack's hosts or the host of the configured API. */
export function isSlackFileUrl(url: string, slackApiUrl: string): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (
    target.protocol === 'https:' &&
    /(^|\.)(slack\.com|slack-edge\.com|slack-files\.com)$/.test(target.hostname)
  ) {
    return true;
  }
  try {
    return new URL(slackApiUrl).host === target.host;
  } catch {
    return false;
  }
}

/**
 * Downloads a Slack file with the bot token.
 * Slack answers a download without a valid token (or without `files:read`)
 * with its HTML sign-in page and status 200, which is refused here.
 */
export async function downloadSlackFile(
  url: string,
  botToken: string,
  slackApiUrl: string,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  if (!isSlackFileUrl(url, slackApiUrl)) {
    throw new AdapterError(SLACK_PLATFORM, `refusing to send the bot token to ${new URL(url).host}`, {
      retryable: false,
      reason: 'foreign_file_host',
    });
  }
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { Authorization: `Bearer ${botToken}` },
      signal: signal ?? AbortSignal.timeout(60_000),
    });
  } catch (error) {
    throw toAdapterError(error, 'file download');
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new AdapterError(SLACK_PLATFORM, `file download: HTTP ${response.status}`, {
      retryable: response.status >= 500 || response.status === 429,
      reason: `http_${response.status}`,
    });
  }
  if ((response.headers.get('content-type') ?? '').startsWith('text/html')) {
    await response.body?.cancel();
    throw new AdapterError(
      SLACK_PLATFORM,
      'file download: Slack answered with a sign-in page (is files:read granted?)',
      {
        retryable: false,
        reason: 'file_unauthorized',
      },
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}

/** The bytes of an outbound attachment. */
export async function outboundBytes(attachment: Attachment): Promise<Buffer> {
  if (attachment.dataBase64 !== undefined) return Buffer.from(attachment.dataBase64, 'base64');
  const url = attachment.url;
  if (!url) {
    throw new AdapterError(SLACK_PLATFORM, 'attachment has neither data nor url', {
      retryable: false,
      reason: 'bad_attachment',
    });
  }
  if (/^https?:\/\//i.test(url)) {
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    } catch (error) {
      throw toAdapterError(error, `fetch ${url}`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new AdapterError(SLACK_PLATFORM, `fetch ${url}: HTTP ${response.status}`, {
        retryable: response.status >= 500,
        reason: `http_${response.status}`,
      });
    }
    return Buffer.from(await response.arrayBuffer());
  }
  try {
    return await readFile(url.startsWith('file:') ? fileURLToPath(url) : url);
  } catch (error) {
    throw new AdapterError(SLACK_PLATFORM, `cannot read attachment ${url}: ${String(error)}`, {
      retryable: false,
      reason: 'bad_attachment',
      cause: error,
    });
  }
}

/** A file name for an outbound attachment. */
export function outboundFileName(attachment: Attachment, index: number): string {
  if (attachment.fileName) return attachment.fileName;
  const fromUrl = attachment.url?.split(/[/\\]/).pop()?.split('?')[0];
  if (fromUrl) return fromUrl;
  const ext = attachment.mimeType?.split('/')[1]?.replace(/[^a-z0-9]/gi, '') || 'bin';
  return `${attachment.kind}-${index + 1}.${ext}`;
}
