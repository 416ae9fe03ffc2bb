/**
 * The files of an inbound message, at ingest: each attachment is written to the
 * media store (inline bytes, a local path, or a platform url fetched through
 * the adapter's `fetchAttachment()`), and the message keeps only a reference
 * (`mediaId`) before it goes into the inbox. This happens before the inbox
 * commit, so a message is never accepted with a file still to fetch: a file
 * over the size cap or a download that fails becomes a note for the agent
 * (`unavailable`), never a lost message. A voice note is transcribed when a
 * transcriber is configured and the adapter declares voice; the transcript
 * becomes the message text, as Telegram's adapter does it.
 */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Adapter, Attachment, InboundMessage } from '../adapters/contract.ts';
import type { Transcriber } from '../agent/transcribe.ts';
import { GatewayError } from '../errors.ts';
import { errorText, type RuntimeLogger } from '../log/runtime-logger.ts';
import { fetchCapped, tooLargeText } from './fetch-capped.ts';
import type { MediaStore } from './media-store.ts';
import { extensionOf, resolveType } from './mime-types.ts';

/** Longest a file download may take at ingest by default. */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 60_000;

/** What storing a message's files needs. */
export interface InboundMediaDeps {
  media: MediaStore;
  /** The adapter the message came from (its `fetchAttachment()` and capabilities), when known. */
  adapter?: Pick<Adapter, 'capabilities' | 'fetchAttachment'>;
  /** Turns a voice note into text (`agent.transcription_model`). */
  transcribe?: Transcriber;
  log: RuntimeLogger;
  /** Longest one download may take (default 60 s). */
  downloadTimeoutMs?: number;
}

/**
 * Stores the files of a message and returns the message with references in
 * place of bytes and urls. A message without attachments is returned as it is.
 *
 * @example
 * const accepted = await storeInboundMedia(message, { media, adapter, log });
 * await store.inbox.accept(accepted, sessionKey);
 */
export async function storeInboundMedia(
  message: InboundMessage,
  deps: InboundMediaDeps,
): Promise<InboundMessage> {
  if (!message.attachments?.length) return message;
  const stored = await Promise.all(message.attachments.map((a) => storeOne(a, deps)));
  let text = message.text;
  const attachments: Attachment[] = [];
  for (const { attachment, data } of stored) {
    const transcript = data ? await transcribeVoice(attachment, data, deps) : undefined;
    if (transcript) text = text ? `${text}\n\n${transcript}` : transcript;
    attachments.push(transcript ? { ...attachment, transcript } : attachment);
  }
  return { ...message, text, attachments };
}

/** Describes an attachment the gateway holds no copy of. */
function unavailable(attachment: Attachment, why: string): Attachment {
  return {
    kind: attachment.kind,
    ...(attachment.mimeType ? { mimeType: attachment.mimeType } : {}),
    ...(attachment.fileName ? { fileName: attachment.fileName } : {}),
    ...(attachment.sizeBytes !== undefined ? { sizeBytes: attachment.sizeBytes } : {}),
    ...(attachment.transcript ? { transcript: attachment.transcript } : {}),
    unavailable: why,
  };
}

async function storeOne(
  attachment: Attachment,
  deps: InboundMediaDeps,
): Promise<{ attachment: Attachment; data?: Buffer }> {
  if (attachment.mediaId) return { attachment };
  const max = deps.media.maxBytes;
  if (attachment.sizeBytes !== undefined && attachment.sizeBytes > max) {
    return { attachment: unavailable(attachment, tooLargeText(attachment.sizeBytes, max)) };
  }
  let data: Buffer;
  try {
    data = await withTimeout(
      bytesOf(attachment, deps),
      deps.downloadTimeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS,
    );
  } catch (error) {
    const tooLarge = error instanceof GatewayError && error.details.failure === 'too_large';
    if (!tooLarge) {
      deps.log.warn(
        { kind: attachment.kind, fileName: attachment.fileName, err: errorText(error) },
        'An attachment could not be downloaded; the agent is told',
      );
    }
    return {
      attachment: unavailable(
        attachment,
        tooLarge ? errorText(error) : `the download failed (${errorText(error)})`,
      ),
    };
  }
  if (data.byteLength > max) {
    return {
      attachment: unavailable(
        { ...attachment, sizeBytes: data.byteLength },
        tooLargeText(data.byteLength, max),
      ),
    };
  }
  const mimeType = resolveType(data, attachment.mimeType, attachment.fileName);
  try {
    const { mediaId } = await deps.media.put(data, mimeType, attachment.fileName);
    return {
      attachment: {
        kind: attachment.kind,
        mediaId,
        mimeType,
        ...(attachment.fileName ? { fileName: attachment.fileName } : {}),
        sizeBytes: data.byteLength,
        ...(attachment.transcript ? { transcript: attachment.transcript } : {}),
      },
      data,
    };
  } catch (error) {
    deps.log.error(
      { dir: deps.media.dir, err: errorText(error) },
      'An attachment could not be written to the media folder; the agent is told',
    );
    return { attachment: unavailable(attachment, `the gateway could not store it (${errorText(error)})`) };
  }
}

/** The bytes of an inbound attachment: inline, through the adapter, a local path or an http(s) url. */
async function bytesOf(attachment: Attachment, deps: InboundMediaDeps): Promise<Buffer> {
  if (attachment.dataBase64 !== undefined) return Buffer.from(attachment.dataBase64, 'base64');
  const url = attachment.url;
  if (!url) throw new Error('the platform gave neither the file nor a link to it');
  if (deps.adapter?.fetchAttachment) return Buffer.from(await deps.adapter.fetchAttachment(attachment));
  if (url.startsWith('file://') || isAbsolute(url)) {
    const path = url.startsWith('file://') ? fileURLToPath(url) : url;
    const size = (await stat(path)).size;
    if (size > deps.media.maxBytes) {
      throw new GatewayError('GATEWAY_ERR_MEDIA', tooLargeText(size, deps.media.maxBytes), {
        failure: 'too_large',
      });
    }
    return readFile(path);
  }
  const { data } = await fetchCapped(url, {
    maxBytes: deps.media.maxBytes,
    timeoutMs: deps.downloadTimeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS,
  });
  return data;
}

async function transcribeVoice(
  attachment: Attachment,
  data: Buffer,
  deps: InboundMediaDeps,
): Promise<string | undefined> {
  if (attachment.kind !== 'voice' || attachment.transcript || !deps.transcribe) return undefined;
  if (deps.adapter && !deps.adapter.capabilities.voice) return undefined;
  const mimeType = attachment.mimeType ?? 'audio/ogg';
  try {
    const text = await deps.transcribe({
      data,
      mimeType,
      fileName: attachment.fileName ?? `voice.${extensionOf(mimeType)}`,
    });
    return text.trim() || undefined;
  } catch (error) {
    deps.log.warn({ err: errorText(error) }, 'Voice transcription failed; the voice note is passed on as is');
    return undefined;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
