/**
 * Files in and out of the homeserver's media repository: outgoing attachments
 * are uploaded (`/_matrix/media/v3/upload`) and sent as `mxc://` URIs; incoming
 * `mxc://` URIs are downloaded with the bot's token from the authenticated media
 * endpoint (`/_matrix/client/v1/media/download`, Matrix 1.11) or, on older
 * servers, from the legacy `/_matrix/media/v3/download`.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { MatrixClient } from 'matrix-js-sdk';
import { AdapterError } from '../../errors.ts';
import type { Attachment } from '../contract.ts';
import { MATRIX_PLATFORM, toAdapterError } from './matrix-errors.ts';

/** An upload ready to be referenced by a message. */
export interface Upload {
  mxcUri: string;
  fileName: string;
  mimeType: string;
  size: number;
}

const DEFAULT_NAMES: Record<Attachment['kind'], string> = {
  image: 'image',
  file: 'file',
  voice: 'voice.ogg',
  video: 'video',
};

/** The bytes of an outgoing attachment: inline base64, an http(s) URL or a local path. */
async function bytesOf(attachment: Attachment): Promise<Buffer> {
  if (attachment.dataBase64 !== undefined) return Buffer.from(attachment.dataBase64, 'base64');
  const url = attachment.url;
  if (!url) {
    throw new AdapterError(MATRIX_PLATFORM, 'attachment has neither data nor a url', {
      retryable: false,
      reason: 'bad_attachment',
    });
  }
  if (/^https?:\/\//.test(url)) {
    const res = await fetch(url);
    if (!res.ok) {
      throw new AdapterError(MATRIX_PLATFORM, `fetching ${url} failed: HTTP ${res.status}`, {
        retryable: res.status >= 500,
        reason: 'attachment_fetch',
      });
    }
    return Buffer.from(await res.arrayBuffer());
  }
  return readFile(url.startsWith('file://') ? new URL(url) : url);
}

/** Uploads an outgoing attachment (an `mxc://` URL is already uploaded and is reused). */
export async function uploadAttachment(client: MatrixClient, attachment: Attachment): Promise<Upload> {
  const fileName =
    attachment.fileName ??
    (attachment.url && !attachment.url.startsWith('mxc://')
      ? basename(attachment.url)
      : DEFAULT_NAMES[attachment.kind]);
  const mimeType = attachment.mimeType ?? 'application/octet-stream';
  if (attachment.url?.startsWith('mxc://')) {
    return { mxcUri: attachment.url, fileName, mimeType, size: attachment.sizeBytes ?? 0 };
  }
  const data = await bytesOf(attachment);
  try {
    const res = await client.uploadContent(data, { name: fileName, type: mimeType });
    return { mxcUri: res.content_uri, fileName, mimeType, size: data.length };
  } catch (error) {
    throw toAdapterError(error, `upload ${fileName}`);
  }
}

/**
 * Downloads an `mxc://` URI (or an http URL of the homeserver) with the bot's token.
 *
 * @param authenticated the server supports authenticated media (Matrix 1.11)
 */
export async function downloadMedia(
  client: MatrixClient,
  url: string,
  accessToken: string,
  authenticated: boolean,
): Promise<Uint8Array> {
  const httpUrl = url.startsWith('mxc://')
    ? client.mxcUrlToHttp(url, undefined, undefined, undefined, false, true, authenticated)
    : url;
  if (!httpUrl) {
    throw new AdapterError(MATRIX_PLATFORM, `not a media URL: ${url}`, {
      retryable: false,
      reason: 'bad_attachment',
    });
  }
  const sameServer = new URL(httpUrl).origin === new URL(client.baseUrl).origin;
  let res: Response;
  try {
    res = await fetch(httpUrl, sameServer ? { headers: { authorization: `Bearer ${accessToken}` } } : {});
  } catch (error) {
    throw toAdapterError(error, `download ${url}`);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new AdapterError(MATRIX_PLATFORM, `download ${url} failed: HTTP ${res.status}`, {
      retryable: res.status >= 500 || res.status === 429,
      reason: res.status === 401 ? 'unauthorized' : 'download_failed',
    });
  }
  return new Uint8Array(await res.arrayBuffer());
}
