/**
 * Files of an incoming Telegram message: photos (the largest size), documents,
 * voice notes, audio and videos become `Attachment`s whose `url` is the
 * Bot API file path from `getFile` (fetch it with `fetchAttachment`). A voice
 * note is transcribed when a transcriber is configured; its transcript
 * becomes the message text and is kept on the attachment (`transcript`).
 */
import type { Message } from 'grammy/types';
import type { AdapterLogger, Attachment } from '../contract.ts';
import type { Transcriber } from './telegram-options.ts';

/** What resolving attachments needs from the adapter. */
export interface AttachmentDeps {
  /** `getFile`: the file's path on the Bot API server. */
  filePath(fileId: string): Promise<string | undefined>;
  /** Downloads a file path (for transcription). */
  download(filePath: string): Promise<Uint8Array>;
  transcribe?: Transcriber;
  log: AdapterLogger;
}

/** A file of the message before `getFile`. */
interface FileRef {
  fileId: string;
  kind: Attachment['kind'];
  mimeType?: string;
  fileName?: string;
  sizeBytes?: number;
}

/** The files a message carries, largest photo size only. */
export function fileRefs(message: Message): FileRef[] {
  const refs: FileRef[] = [];
  const photo = message.photo?.at(-1);
  if (photo) {
    refs.push({ fileId: photo.file_id, kind: 'image', mimeType: 'image/jpeg', sizeBytes: photo.file_size });
  }
  const doc = message.document;
  if (doc) {
    refs.push({
      fileId: doc.file_id,
      kind: 'file',
      mimeType: doc.mime_type,
      fileName: doc.file_name,
      sizeBytes: doc.file_size,
    });
  }
  const voice = message.voice;
  if (voice) {
    refs.push({
      fileId: voice.file_id,
      kind: 'voice',
      mimeType: voice.mime_type ?? 'audio/ogg',
      sizeBytes: voice.file_size,
    });
  }
  const audio = message.audio;
  if (audio) {
    refs.push({
      fileId: audio.file_id,
      kind: 'file',
      mimeType: audio.mime_type,
      fileName: audio.file_name,
      sizeBytes: audio.file_size,
    });
  }
  const video = message.video ?? message.video_note;
  if (video) {
    refs.push({
      fileId: video.file_id,
      kind: 'video',
      mimeType: 'mime_type' in video ? video.mime_type : 'video/mp4',
      sizeBytes: video.file_size,
    });
  }
  return refs;
}

/** The attachments of a message and, for a transcribed voice note, its transcript. */
export interface ResolvedAttachments {
  attachments: Attachment[];
  transcript?: string;
}

/**
 * Resolves the files of a message with `getFile` and transcribes a voice note.
 * A file Telegram will not serve (over 20 MB) is attached without a url; a
 * failed transcription is logged and leaves the text as it was.
 */
export async function resolveAttachments(
  message: Message,
  deps: AttachmentDeps,
): Promise<ResolvedAttachments> {
  const attachments: Attachment[] = [];
  let transcript: string | undefined;
  for (const ref of fileRefs(message)) {
    let path: string | undefined;
    try {
      path = await deps.filePath(ref.fileId);
    } catch (error) {
      deps.log.warn(
        { err: String(error), kind: ref.kind },
        'telegram: getFile failed; attachment has no url',
      );
    }
    const fileName = ref.fileName ?? (path ? basename(path) : undefined);
    const attachment: Attachment = {
      kind: ref.kind,
      ...(path ? { url: path } : {}),
      ...(ref.mimeType ? { mimeType: ref.mimeType } : {}),
      ...(fileName ? { fileName } : {}),
      ...(ref.sizeBytes !== undefined ? { sizeBytes: ref.sizeBytes } : {}),
    };
    if (ref.kind === 'voice' && path && deps.transcribe) {
      transcript = await transcribeVoice(path, attachment, deps);
      // the gateway sees the voice note was transcribed and does not do it again
      if (transcript) attachment.transcript = transcript;
    }
    attachments.push(attachment);
  }
  return { attachments, ...(transcript !== undefined ? { transcript } : {}) };
}

async function transcribeVoice(
  path: string,
  attachment: Attachment,
  deps: AttachmentDeps,
): Promise<string | undefined> {
  try {
    const data = await deps.download(path);
    const text = await (deps.transcribe as Transcriber)({
      data,
      mimeType: attachment.mimeType ?? 'audio/ogg',
      fileName: attachment.fileName ?? 'voice.ogg',
    });
    return text.trim();
  } catch (error) {
    deps.log.warn(
      { err: String(error) },
      'telegram: voice transcription failed; the voice note is passed on as is',
    );
    return undefined;
  }
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
