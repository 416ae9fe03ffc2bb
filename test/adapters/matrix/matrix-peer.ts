/**
 * The human on Matrix: a second matrix-js-sdk client logged into the fake
 * homeserver. It sends messages, files and thread replies, invites the bot, and
 * reads what the bot posted from its own synced timeline (edits applied,
 * redactions removed, files downloaded with its own token).
 */
import {
  ClientEvent,
  createClient,
  EventType,
  type MatrixClient,
  type MatrixEvent,
  MsgType,
  SyncState,
} from 'matrix-js-sdk';
import type { RoomMessageEventContent } from 'matrix-js-sdk/lib/@types/events.js';
import { sdkLogger } from '../../../src/adapters/matrix/sdk-logger.ts';
import type { PeerChat, PeerFile, PlatformPeer, SeenMessage } from '../contract/adapter-contract.ts';
import type { FakeHomeserver } from './fake-homeserver.ts';

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

/** Logs in with a password and returns a client that is not syncing yet. */
export async function loginClient(
  baseUrl: string,
  user: string,
  password: string,
  deviceId?: string,
): Promise<MatrixClient> {
  const logger = sdkLogger(quiet);
  const res = await createClient({ baseUrl, logger }).loginRequest({
    type: 'm.login.password',
    identifier: { type: 'm.id.user', user },
    password,
    ...(deviceId ? { device_id: deviceId } : {}),
  });
  return createClient({
    baseUrl,
    accessToken: res.access_token,
    userId: res.user_id,
    deviceId: res.device_id,
    logger,
  });
}

/** Starts syncing and resolves once the first sync is processed. */
export async function startSyncing(client: MatrixClient): Promise<void> {
  const prepared = new Promise<void>((resolve) => {
    const onSync = (state: SyncState) => {
      if (state !== SyncState.Prepared) return;
      client.off(ClientEvent.Sync, onSync);
      resolve();
    };
    client.on(ClientEvent.Sync, onSync);
  });
  await client.startClient({ initialSyncLimit: 20 });
  await prepared;
}

/** Stops a client and aborts its requests. */
export function stopClient(client: MatrixClient): void {
  client.stopClient();
  client.http.abort();
  client.removeAllListeners();
}

function relation(event: MatrixEvent): Record<string, unknown> | undefined {
  return event.getWireContent()['m.relates_to'] as Record<string, unknown> | undefined;
}

/** Thread root of an event, if it is in a thread. */
export function threadOf(event: MatrixEvent): string | undefined {
  const rel = relation(event);
  return rel?.rel_type === 'm.thread' ? (rel.event_id as string) : undefined;
}

const FILE_TYPES: Record<string, PeerFile['kind']> = {
  'm.file': 'file',
  'm.image': 'image',
  'm.audio': 'voice',
  'm.video': 'file',
};

/** The contract peer: `human` speaks, `botSide` is the bot's account on another device. */
export class MatrixPeer implements PlatformPeer {
  readonly human: MatrixClient;
  readonly #hs: FakeHomeserver;
  readonly #botUserId: string;
  readonly #botSide: () => Promise<MatrixClient>;
  /** Events the bot's other device posted: not the adapter's messages. */
  readonly #selfSent = new Set<string>();

  constructor(
    hs: FakeHomeserver,
    human: MatrixClient,
    botUserId: string,
    botSide: () => Promise<MatrixClient>,
  ) {
    this.#hs = hs;
    this.human = human;
    this.#botUserId = botUserId;
    this.#botSide = botSide;
  }

  async userSends(chat: PeerChat, text: string, file?: PeerFile): Promise<string> {
    let content: Record<string, unknown> = { msgtype: MsgType.Text, body: text };
    if (file) {
      const upload = await this.human.uploadContent(file.data, { name: file.fileName, type: file.mimeType });
      const msgtype =
        file.kind === 'image' ? MsgType.Image : file.kind === 'voice' ? MsgType.Audio : MsgType.File;
      content = {
        msgtype,
        body: text || file.fileName,
        filename: file.fileName,
        url: upload.content_uri,
        info: { mimetype: file.mimeType, size: file.data.length },
      };
    }
    const res = await this.human.sendEvent(
      chat.id,
      chat.threadId ?? null,
      EventType.RoomMessage,
      content as unknown as RoomMessageEventContent,
    );
    return res.event_id;
  }

  async selfSends(chat: PeerChat, text: string): Promise<void> {
    const bot = await this.#botSide();
    const res = await bot.sendEvent(chat.id, EventType.RoomMessage, { msgtype: MsgType.Text, body: text });
    this.#selfSent.add(res.event_id);
  }

  async redeliver(chat: PeerChat, platformMessageId: string): Promise<void> {
    this.#hs.rooms.redeliver(chat.id, platformMessageId);
  }

  /** Every event of the room in the human's live timeline. */
  timeline(roomId: string): MatrixEvent[] {
    return this.human.getRoom(roomId)?.getLiveTimeline().getEvents() ?? [];
  }

  async botMessages(chat: PeerChat): Promise<SeenMessage[]> {
    const events = this.timeline(chat.id).filter(
      (e) => e.getSender() === this.#botUserId && !this.#selfSent.has(e.getId() as string),
    );
    const edits = new Map<string, MatrixEvent[]>();
    for (const e of events) {
      const rel = relation(e);
      if (e.getType() === EventType.RoomMessage && rel?.rel_type === 'm.replace') {
        const target = rel.event_id as string;
        edits.set(target, [...(edits.get(target) ?? []), e]);
      }
    }
    const seen: SeenMessage[] = [];
    for (const e of events) {
      if (e.getType() !== EventType.RoomMessage || e.isRedacted() || relation(e)?.rel_type === 'm.replace')
        continue;
      const content = e.getOriginalContent();
      const myEdits = edits.get(e.getId() as string) ?? [];
      const latest = myEdits.at(-1)?.getWireContent()['m.new_content'] as { body?: string } | undefined;
      const kind = FILE_TYPES[content.msgtype as string];
      const files: PeerFile[] = [];
      if (kind && typeof content.url === 'string') {
        files.push({
          kind,
          fileName: (content.filename ?? content.body) as string,
          mimeType: (content.info as { mimetype?: string } | undefined)?.mimetype ?? '',
          data: await this.download(content.url),
        });
      }
      const threadId = threadOf(e);
      seen.push({
        id: e.getId() as string,
        text: latest?.body ?? (content.body as string),
        ...(threadId ? { threadId } : {}),
        editTimes: myEdits.map((edit) => edit.getTs()),
        files,
      });
    }
    return seen;
  }

  /** Downloads an mxc:// URI through the authenticated media API, as Element does. */
  async download(mxc: string): Promise<Buffer> {
    const url = this.human.mxcUrlToHttp(mxc, undefined, undefined, undefined, false, true, true) as string;
    const res = await fetch(url, { headers: { authorization: `Bearer ${this.human.getAccessToken()}` } });
    if (!res.ok) throw new Error(`download ${mxc}: HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }
}
