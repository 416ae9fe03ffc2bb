/**
 * A reference to a file of a message, as a session keeps it in its persisted
 * snapshot: what the file is and where the media store keeps it, never its bytes.
 */
import type { Attachment } from '../adapters/contract.ts';
import { OCTET_STREAM } from './mime-types.ts';

/** A file of a user message, by reference (JSON only). */
export interface MediaRef {
  kind: Attachment['kind'];
  /** Id of the stored copy in the media store; absent when there is none (see `unavailable`). */
  mediaId?: string;
  mimeType: string;
  fileName?: string;
  sizeBytes?: number;
  /** Why the gateway holds no copy (too large, the download failed); the agent is told. */
  unavailable?: string;
  /** A voice note whose transcript is part of the message text. */
  transcribed?: boolean;
}

/** Said of a file the gateway accepted before it stored files (no copy, no reason). */
export const NOT_KEPT = 'the file was not kept by the gateway';

/**
 * The references of a message's attachments, as the gateway stored them at ingest.
 *
 * @example
 * mediaRefsOf([{ kind: 'image', mediaId: 'ab12.jpg', mimeType: 'image/jpeg', sizeBytes: 2048 }]);
 * // [{ kind: 'image', mediaId: 'ab12.jpg', mimeType: 'image/jpeg', sizeBytes: 2048 }]
 */
export function mediaRefsOf(attachments: readonly Attachment[] | undefined): MediaRef[] {
  return (attachments ?? []).map((a) => {
    const ref: MediaRef = { kind: a.kind, mimeType: a.mimeType ?? OCTET_STREAM };
    if (a.mediaId) ref.mediaId = a.mediaId;
    if (a.fileName) ref.fileName = a.fileName;
    if (a.sizeBytes !== undefined) ref.sizeBytes = a.sizeBytes;
    if (a.unavailable) ref.unavailable = a.unavailable;
    else if (!a.mediaId) ref.unavailable = NOT_KEPT;
    if (a.transcript) ref.transcribed = true;
    return ref;
  });
}
