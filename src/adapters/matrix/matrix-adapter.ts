/**
 * The Matrix adapter on matrix-js-sdk, Matrix's wire for the adapter kit: `/sync` through `startClient`, rooms as
 * chats (DMs and groups), threads, replies, edits for streaming, reactions,
 * typing, media and invites. Only events that arrive after the first sync are
 * answered: the history the bot sees when it connects is context, not new work.
 * Encrypted rooms are not supported (their messages are logged and skipped).
 */
import {
  ClientEvent,
  createClient,
  EventType,
  HttpApiEvent,
  type MatrixClient,
  type MatrixEvent,
  ReceiptType,
  type Room,
  RoomEvent,
  SyncState,
} from 'matrix-js-sdk';
import type { IRoomTimelineData } from 'matrix-js-sdk/lib/models/event-timeline-set.js';
import { listMatches } from '../../access/allowlist.ts';
import { toIdList } from '../../access/id-list.ts';
import { AdapterError } from '../../errors.ts';
import type { Attachment, ChatRef, MessageRef, OutboundMessage, ReconcileResult } from '../contract.ts';
import {
  type Failure,
  type FileSendOptions,
  KitAdapter,
  type PlatformWire,
  type SendOptions,
  type WireContext,
} from '../kit/index.ts';
import { splitMessage } from '../shared/split-message.ts';
import { chatKindOf } from './chat-kind.ts';
import { type MatrixCredentials, resolveCredentials } from './credentials.ts';
import { isEdit, toInboundMessage } from './inbound-event.ts';
import { answerInvite, type InviteOutcome } from './invites.ts';
import { classifyMatrixError, isUnauthorized, MATRIX_PLATFORM, toAdapterError } from './matrix-errors.ts';
import type { MatrixOptions } from './matrix-options.ts';
import { downloadMedia, uploadAttachment } from './media.ts';
import { editContent, mediaContent, place, reactionContent, textContent } from './outbound-content.ts';
import { freshTxnId, recentRoomEvents, redactRoomEvent, replyTxnId, sendRoomEvent } from './room-events.ts';
import { routeSdkGlobalLogger, sdkLogger } from './sdk-logger.ts';

/**
 * Characters of one message. Matrix limits an event to 65,536 bytes of JSON, not
 * characters: 12,000 characters are at most 48 KB even when every one is a 4-byte
 * emoji, which leaves room for the relation and the short fallback text of an
 * edit, so streamed edits of a full bubble never hit `M_TOO_LARGE`.
 */
export const MATRIX_MAX_MESSAGE_LENGTH = 12_000;

/** Fewest milliseconds between two edits of a streamed message. */
export const MATRIX_EDIT_INTERVAL_MS = 1000;

/** How long "typing…" shows unless the bot replies first. */
const TYPING_TIMEOUT_MS = 15_000;

/** Events fetched when checking whether an unknown send was delivered. */
const RECONCILE_LOOKBACK = 50;

/** The allowlist of inviters when none is given: `MATRIX_ALLOWED_USERS` of the process. */
function inviterAllowlistFromEnv(): (userId: string) => boolean {
  return (userId) => listMatches(toIdList(process.env.MATRIX_ALLOWED_USERS), userId);
}

/** Matrix's wire: `/sync` in, room events out. */
export class MatrixWire implements PlatformWire {
  readonly name = MATRIX_PLATFORM;
  readonly title = 'Matrix';
  readonly limits = { maxMessageLength: MATRIX_MAX_MESSAGE_LENGTH };
  readonly declares = { voice: true, images: true, threads: true };
  readonly editIntervalMs = MATRIX_EDIT_INTERVAL_MS;
  readonly #options: MatrixOptions;
  readonly #isAllowedInviter: (userId: string) => boolean;
  readonly #handledInvites = new Set<string>();
  readonly #encryptedWarned = new Set<string>();
  readonly #typingRooms = new Set<string>();
  #client: MatrixClient | undefined;
  credentials: MatrixCredentials | undefined;
  #ctx: WireContext | undefined;
  #live = false;
  #authenticatedMedia = false;
  /** Inbound messages are ingested one after another, in the order of the timeline. */
  #ingestQueue: Promise<void> = Promise.resolve();
  #inviteQueue: Promise<unknown> = Promise.resolve();

  constructor(options: MatrixOptions) {
    this.#options = options;
    this.#isAllowedInviter = options.isAllowedInviter ?? inviterAllowlistFromEnv();
  }

  classify(error: unknown): Failure {
    return classifyMatrixError(error);
  }

  /** Signs in, runs the first /sync and resolves once the client is PREPARED. */
  async connect(ctx: WireContext, signal: AbortSignal): Promise<void> {
    this.#shutdownClient(); // a restart after a failure begins with a fresh client
    this.#ctx = ctx;
    routeSdkGlobalLogger(ctx.log);
    const logger = sdkLogger(ctx.log);
    const credentials = await resolveCredentials(this.#options, logger);
    this.credentials = credentials;
    const client = createClient({
      baseUrl: this.#options.homeserverUrl,
      accessToken: credentials.accessToken,
      userId: credentials.userId,
      ...(credentials.deviceId ? { deviceId: credentials.deviceId } : {}),
      logger,
    });
    this.#client = client;
    this.#live = false;
    const prepared = this.#whenPrepared(client, ctx, signal);
    client.on(RoomEvent.Timeline, (event, room, toStart, removed, data) =>
      this.#onTimeline(event, room, toStart, removed, data),
    );
    // invites are answered once a sync response is fully processed: the state of a
    // room the bot already joined can still hold its old invite event mid-response
    client.on(ClientEvent.Sync, (state) => {
      if (state === SyncState.Prepared || state === SyncState.Syncing) this.#answerPendingInvites(client);
    });
    client.on(HttpApiEvent.SessionLoggedOut, (error) => {
      ctx.log.warn({ errcode: error.errcode }, 'the homeserver no longer accepts the Matrix access token');
    });
    await client.startClient({ initialSyncLimit: 1, lazyLoadMembers: false, threadSupport: false });
    try {
      await prepared;
    } catch (error) {
      this.#shutdownClient();
      throw error;
    }
    this.#authenticatedMedia = await client.isVersionSupported('v1.11').catch(() => false);
    ctx.log.info({ userId: credentials.userId }, 'Matrix connected');
  }

  /** Resolves at the first PREPARED; rejects on a sync failure before it or when the adapter stops. */
  #whenPrepared(client: MatrixClient, ctx: WireContext, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(new AdapterError(MATRIX_PLATFORM, 'start aborted', { retryable: true }));
      signal.addEventListener('abort', onAbort, { once: true });
      client.on(ClientEvent.Sync, (state, prev, data) => {
        if (state === SyncState.Prepared) {
          this.#live = true;
          signal.removeEventListener('abort', onAbort);
          resolve();
          return;
        }
        if (state === SyncState.Error || state === SyncState.Reconnecting) {
          const error = toAdapterError(data?.error ?? new Error(`sync ${state}`), '/sync', true);
          if (!this.#live) {
            if (!error.retryable || state === SyncState.Error) {
              signal.removeEventListener('abort', onAbort);
              reject(error);
            } else {
              ctx.reportError(error);
            }
            return;
          }
          ctx.log.warn({ err: error.message, retryable: error.retryable }, 'Matrix sync failed');
          if (isUnauthorized(error)) {
            // the token is gone: syncing again cannot help; the operator must act
            this.#shutdownClient();
            ctx.fail(error);
          } else {
            ctx.reportError(error);
          }
          return;
        }
        if (
          state === SyncState.Syncing &&
          (prev === SyncState.Reconnecting || prev === SyncState.Error || prev === SyncState.Catchup)
        ) {
          ctx.log.info({}, 'Matrix sync is back');
          ctx.reportHealthy();
        }
      });
    });
  }

  #onTimeline(
    event: MatrixEvent,
    room: Room | undefined,
    toStartOfTimeline: boolean | undefined,
    removed: boolean,
    data: IRoomTimelineData,
  ): void {
    // history from before the adapter started, back-pagination and removals are not new messages
    if (!this.#live || !room || toStartOfTimeline || removed || !data.liveEvent) return;
    if (event.getSender() === this.credentials?.userId) return;
    const type = event.getType();
    if (type === EventType.RoomMessageEncrypted) {
      if (!this.#encryptedWarned.has(room.roomId)) {
        this.#encryptedWarned.add(room.roomId);
        this.#ctx?.log.warn(
          { roomId: room.roomId },
          'end-to-end encrypted Matrix rooms are not supported; message skipped',
        );
      }
      return;
    }
    if (type !== EventType.RoomMessage || isEdit(event)) return;
    const client = this.#client;
    const ctx = this.#ctx;
    if (!client || !ctx) return;
    const message = toInboundMessage(event, room, chatKindOf(client, room));
    if (!message) return;
    this.#ingestQueue = this.#ingestQueue.then(async () => {
      try {
        await ctx.ingest(message);
        // the read receipt is the acknowledgement: the message is safely in the inbox
        await client.sendReceipt(event, ReceiptType.Read, {}, true).catch(() => undefined);
      } catch (error) {
        ctx.log.error(
          { err: String(error), eventId: message.platformMessageId },
          'ingesting a Matrix message failed',
        );
      }
    });
  }

  #answerPendingInvites(client: MatrixClient): void {
    const ctx = this.#ctx;
    const me = this.credentials?.userId;
    if (!ctx || !me) return;
    for (const room of client.getRooms()) {
      if (room.getMyMembership() !== 'invite' || this.#handledInvites.has(room.roomId)) continue;
      this.#handledInvites.add(room.roomId);
      const inviteEvent = room.getMember(me)?.events.member;
      const invite = {
        roomId: room.roomId,
        inviter: inviteEvent?.getSender() ?? '',
        isDirect: inviteEvent?.getContent().is_direct === true,
      };
      this.#inviteQueue = this.#inviteQueue.then(async () => {
        const outcome: InviteOutcome = await answerInvite(client, invite, this.#isAllowedInviter, ctx.log);
        if (outcome === 'failed') this.#handledInvites.delete(room.roomId);
      });
    }
  }

  /** Stops syncing and aborts requests in flight; leaves no timers behind. */
  async disconnect(): Promise<void> {
    this.#shutdownClient();
    // requests of answers to invites were aborted with the client; wait for them to settle
    await this.#inviteQueue.catch(() => undefined);
  }

  #shutdownClient(): void {
    this.#live = false;
    const client = this.#client;
    if (!client) return;
    client.stopClient();
    client.http.abort();
    client.removeAllListeners();
  }

  #requireClient(): MatrixClient {
    if (!this.#client || !this.credentials) {
      throw new AdapterError(MATRIX_PLATFORM, 'not started', { retryable: true, reason: 'not_connected' });
    }
    return this.#client;
  }

  /** A stable transaction id per part of a reply, so a retried send is deduplicated by the homeserver. */
  #txnId(options: SendOptions): string {
    return options.idempotencyKey ? replyTxnId(options.idempotencyKey, options.part ?? '0') : freshTxnId();
  }

  /** Text in its thread, quoting `replyTo` in groups and threads (not in DMs). */
  async sendText(chat: ChatRef, text: string, options: SendOptions): Promise<string> {
    const client = this.#requireClient();
    const quote = chat.chatType !== 'dm' || chat.threadId ? options.replyTo : undefined;
    const content = place(textContent(text), {
      ...(chat.threadId ? { threadId: chat.threadId } : {}),
      ...(quote ? { replyTo: quote } : {}),
    });
    try {
      return await sendRoomEvent(client, chat.chatId, EventType.RoomMessage, content, this.#txnId(options));
    } finally {
      this.#stopTyping(client, chat.chatId);
    }
  }

  async sendFile(chat: ChatRef, file: Attachment, options: FileSendOptions): Promise<string> {
    const client = this.#requireClient();
    try {
      const upload = await uploadAttachment(client, file);
      const content = place(
        mediaContent(file.kind, upload),
        chat.threadId ? { threadId: chat.threadId } : {},
      );
      return await sendRoomEvent(client, chat.chatId, EventType.RoomMessage, content, this.#txnId(options));
    } finally {
      this.#stopTyping(client, chat.chatId);
    }
  }

  /** Whether the last part of a reply is in the room (found by its transaction id). */
  async reconcile(message: OutboundMessage): Promise<ReconcileResult> {
    const client = this.#requireClient();
    const parts = message.text.trim() ? splitMessage(message.text, MATRIX_MAX_MESSAGE_LENGTH).length : 0;
    const files = message.attachments?.length ?? 0;
    if (parts + files === 0) return { delivered: false };
    const lastTxn =
      files > 0
        ? replyTxnId(message.idempotencyKey, `f${files - 1}`)
        : replyTxnId(message.idempotencyKey, String(parts - 1));
    const events = await recentRoomEvents(client, message.chatId, RECONCILE_LOOKBACK);
    const found = events.find(
      (e) => e.sender === this.credentials?.userId && e.unsigned?.transaction_id === lastTxn,
    );
    return found ? { delivered: true, platformMessageId: found.event_id } : { delivered: false };
  }

  async edit(ref: MessageRef, text: string): Promise<void> {
    const client = this.#requireClient();
    await sendRoomEvent(
      client,
      ref.chatId,
      EventType.RoomMessage,
      editContent(ref.messageId, text),
      freshTxnId(),
    );
  }

  async delete(ref: MessageRef): Promise<void> {
    await redactRoomEvent(this.#requireClient(), ref.chatId, ref.messageId, freshTxnId());
  }

  async react(ref: MessageRef, emoji: string): Promise<void> {
    const client = this.#requireClient();
    await sendRoomEvent(
      client,
      ref.chatId,
      EventType.Reaction,
      reactionContent(ref.messageId, emoji),
      freshTxnId(),
    );
  }

  async typing(chat: ChatRef): Promise<void> {
    await this.#requireClient().sendTyping(chat.chatId, true, TYPING_TIMEOUT_MS);
    this.#typingRooms.add(chat.chatId);
  }

  #stopTyping(client: MatrixClient, roomId: string): void {
    if (!this.#typingRooms.delete(roomId)) return;
    client.sendTyping(roomId, false, 0).catch(() => undefined);
  }

  async fetchAttachment(attachment: Attachment): Promise<Uint8Array> {
    const client = this.#requireClient();
    if (attachment.dataBase64 !== undefined) return Buffer.from(attachment.dataBase64, 'base64');
    if (!attachment.url) {
      throw new AdapterError(MATRIX_PLATFORM, 'attachment has no url', {
        retryable: false,
        reason: 'bad_attachment',
      });
    }
    return downloadMedia(
      client,
      attachment.url,
      this.credentials?.accessToken ?? '',
      this.#authenticatedMedia,
    );
  }
}

/**
 * A Matrix bot account as a gateway adapter.
 *
 * @example
 * const adapter = new MatrixAdapter({ homeserverUrl: 'https://matrix.example.org', accessToken: 'syt_...' });
 */
export class MatrixAdapter extends KitAdapter<MatrixWire> {
  // the primitives Matrix's wire has, so callers need no optional call
  declare readonly edit: (ref: MessageRef, text: string) => Promise<void>;
  declare readonly delete: (ref: MessageRef) => Promise<void>;
  declare readonly react: (ref: MessageRef, emoji: string) => Promise<void>;
  declare readonly sendTyping: (chat: ChatRef) => Promise<void>;
  declare readonly fetchAttachment: (attachment: Attachment) => Promise<Uint8Array>;
  declare readonly reconcile: (message: OutboundMessage) => Promise<ReconcileResult>;

  constructor(options: MatrixOptions) {
    super(new MatrixWire(options));
  }

  /** The bot's user id (after `start`). */
  get userId(): string | undefined {
    return this.wire.credentials?.userId;
  }
}
