/**
 * Messages from WhatsApp users, built as real WAProto objects
 * (`proto.WebMessageInfo.fromObject`), and a loopback media host that serves
 * files encrypted exactly as WhatsApp's media servers hold them (baileys'
 * `encryptedStream`), so the adapter's real `downloadMediaMessage` fetches and
 * decrypts them.
 */
import { readFile, unlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encryptedStream, generateMessageIDV2, proto, type WAMessage } from 'baileys';

/** A file a user attaches. */
export interface UserFile {
  kind: 'image' | 'document' | 'audio';
  data: Buffer;
  /** Audio recorded as a voice note (push-to-talk); default true for audio. */
  ptt?: boolean;
  mimeType: string;
  fileName?: string;
}

/** What a user's message holds. */
export interface UserMessageSpec {
  /** Chat jid (`…@s.whatsapp.net`, `…@lid` or `…@g.us`). */
  chat: string;
  /** Sender jid in a group (`key.participant`). */
  participant?: string;
  /** Phone-number jid WhatsApp adds beside a `@lid` participant (`key.participantAlt`). */
  participantAlt?: string;
  text?: string;
  /** Key id (default a fresh one). */
  id?: string;
  pushName?: string;
  fromMe?: boolean;
  /** Key id of the message this one quotes. */
  quotedId?: string;
  /** The file, already uploaded to the media host. */
  media?: UploadedMedia;
  /** A raw WAProto message instead of text/media. */
  raw?: proto.IMessage;
}

/** A file on the media host, with what a WhatsApp message carries to fetch it. */
export interface UploadedMedia extends UserFile {
  url: string;
  mediaKey: Uint8Array;
  fileSha256: Uint8Array;
  fileEncSha256: Uint8Array;
  fileLength: number;
}

/**
 * A WhatsApp message from a user, as baileys hands it to `messages.upsert`.
 *
 * @example
 * userMessage({ chat: '15551234567@s.whatsapp.net', text: 'hi', pushName: 'Ana' })
 */
export function userMessage(spec: UserMessageSpec): WAMessage {
  const contextInfo = spec.quotedId
    ? {
        stanzaId: spec.quotedId,
        participant: spec.participant ?? spec.chat,
        quotedMessage: { conversation: 'earlier' },
      }
    : undefined;
  let message: proto.IMessage;
  if (spec.raw) message = spec.raw;
  else if (spec.media) message = mediaContent(spec.media, spec.text, contextInfo);
  else if (contextInfo) message = { extendedTextMessage: { text: spec.text ?? '', contextInfo } };
  else message = { conversation: spec.text ?? '' };
  const info = proto.WebMessageInfo.fromObject({
    key: {
      remoteJid: spec.chat,
      fromMe: spec.fromMe ?? false,
      id: spec.id ?? generateMessageIDV2(),
      ...(spec.participant ? { participant: spec.participant } : {}),
    },
    message,
    pushName: spec.pushName ?? 'Test User',
    messageTimestamp: Math.floor(Date.now() / 1000),
  }) as WAMessage;
  // baileys 7 adds the phone-number jid beside a LID on the key (not a WAProto field)
  if (spec.participantAlt) info.key.participantAlt = spec.participantAlt;
  return info;
}

function mediaContent(
  media: UploadedMedia,
  caption: string | undefined,
  contextInfo: object | undefined,
): proto.IMessage {
  const common = {
    url: media.url,
    mimetype: media.mimeType,
    mediaKey: media.mediaKey,
    fileSha256: media.fileSha256,
    fileEncSha256: media.fileEncSha256,
    fileLength: media.fileLength,
    ...(caption ? { caption } : {}),
    ...(contextInfo ? { contextInfo } : {}),
  };
  if (media.kind === 'image') return { imageMessage: common };
  if (media.kind === 'audio') return { audioMessage: { ...common, ptt: media.ptt ?? true } };
  return { documentMessage: { ...common, fileName: media.fileName ?? 'file' } };
}

/** WhatsApp's media servers on loopback: holds encrypted files and serves them over HTTP. */
export class MediaHost {
  readonly #files = new Map<string, Buffer>();
  readonly #server: Server;
  #base = '';
  /** Number of downloads served. */
  downloads = 0;

  private constructor() {
    this.#server = createServer((req, res) => {
      const file = this.#files.get(req.url ?? '');
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      this.downloads += 1;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.length });
      res.end(file);
    });
  }

  /** Starts a media host on a free loopback port. */
  static async start(): Promise<MediaHost> {
    const host = new MediaHost();
    await new Promise<void>((resolve) => host.#server.listen(0, '127.0.0.1', resolve));
    const { port } = host.#server.address() as AddressInfo;
    host.#base = `http://127.0.0.1:${port}`;
    return host;
  }

  /** Encrypts a file as WhatsApp does and stores it; returns what a message needs to fetch it. */
  async upload(file: UserFile): Promise<UploadedMedia> {
    const encrypted = await encryptedStream(file.data, file.kind);
    const bytes = await readFile(encrypted.encFilePath);
    await unlink(encrypted.encFilePath);
    const path = `/v/t62.7118-24/${generateMessageIDV2()}.enc`;
    this.#files.set(path, bytes);
    return {
      ...file,
      url: `${this.#base}${path}`,
      mediaKey: encrypted.mediaKey,
      fileSha256: encrypted.fileSha256,
      fileEncSha256: encrypted.fileEncSha256,
      fileLength: encrypted.fileLength,
    };
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
