/**
 * The human side of the fake Bot API: a Telegram user (Ada) who writes in a
 * private chat, a supergroup and a forum topic, with the entities a real
 * Telegram client would attach (`/command`, `@mention`), and who reads what
 * the bot posted. Used by the contract suite and the Telegram tests.
 */
import type { Chat, Message, MessageEntity, User } from 'grammy/types';
import type { PeerChat, PeerFile, PlatformPeer, SeenMessage } from '../contract/adapter-contract.ts';
import type { FakeBotApi } from './fake-bot-api.ts';

/** The bot token the fake and the adapter share. */
export const TOKEN = '7000001:AAHtestTokenForTheFakeBotApi_000';

/** The test user. */
export const ADA: User = {
  id: 1001,
  is_bot: false,
  first_name: 'Ada',
  last_name: 'Lovelace',
  username: 'ada',
};

/** Ada's private chat with the bot (its id is hers). */
export const DM_CHAT: Chat = {
  id: 1001,
  type: 'private',
  first_name: 'Ada',
  last_name: 'Lovelace',
  username: 'ada',
};

/** A supergroup without topics. */
export const GROUP_CHAT: Chat = { id: -1001234567890, type: 'supergroup', title: 'Team' };

/** A supergroup with forum topics. */
export const FORUM_CHAT: Chat = { id: -1009876543210, type: 'supergroup', title: 'Forum', is_forum: true };

/** What a user attaches, as the Telegram message fields. */
export interface UserMessageOptions {
  file?: PeerFile;
  /** Message id (in the same chat) this one replies to. */
  replyTo?: number;
  /** Another sender than Ada. */
  from?: User;
}

/** The entities a Telegram client attaches to a text: a leading /command and @mentions. */
export function entitiesOf(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
  if (command) entities.push({ type: 'bot_command', offset: 0, length: command[0].length });
  for (const m of text.matchAll(/(^|\s)(@[A-Za-z0-9_]{5,32})/g)) {
    entities.push({
      type: 'mention',
      offset: (m.index ?? 0) + (m[1] as string).length,
      length: (m[2] as string).length,
    });
  }
  return entities;
}

/**
 * Posts a user message in a chat (a topic when `chat.threadId` is set).
 *
 * @returns the message as the fake stored it
 */
export async function userPosts(
  api: FakeBotApi,
  chat: PeerChat,
  text: string,
  options: UserMessageOptions = {},
): Promise<Message> {
  const chatId = Number(chat.id);
  const fields: Partial<Message> & { from: User } = { from: options.from ?? ADA };
  if (chat.threadId) fields.message_thread_id = Number(chat.threadId);
  const entities = entitiesOf(text);
  const file = options.file;
  if (file) {
    Object.assign(fields, fileFields(api, file));
    if (text)
      Object.assign(fields, { caption: text, ...(entities.length ? { caption_entities: entities } : {}) });
  } else {
    Object.assign(fields, { text, ...(entities.length ? { entities } : {}) });
  }
  if (options.replyTo !== undefined) {
    const replied = api.message(chatId, options.replyTo);
    if (!replied) throw new Error(`no message ${options.replyTo} in chat ${chatId}`);
    const { reply_to_message: _, ...nested } = replied.message;
    fields.reply_to_message = nested as Message['reply_to_message'];
  }
  return api.post(chatId, fields);
}

function fileFields(api: FakeBotApi, file: PeerFile): Partial<Message> {
  const folder = file.kind === 'image' ? 'photos' : file.kind === 'voice' ? 'voice' : 'documents';
  const stored = api.storeFile(file.data, file.fileName, file.mimeType, folder);
  const base = { file_id: stored.fileId, file_unique_id: stored.uniqueId, file_size: file.data.length };
  switch (file.kind) {
    case 'image':
      return {
        photo: [
          { ...base, width: 90, height: 60, file_size: 100 },
          { ...base, width: 1280, height: 853 },
        ],
      };
    case 'voice':
      return { voice: { ...base, duration: 2, mime_type: file.mimeType } };
    default:
      return { document: { ...base, file_name: file.fileName, mime_type: file.mimeType } };
  }
}

/**
 * The contract suite's peer on the fake Bot API.
 *
 * @example
 * const peer = createTelegramPeer(api);
 * await peer.userSends({ kind: 'dm', id: '1001' }, 'hello');
 */
export function createTelegramPeer(api: FakeBotApi): PlatformPeer {
  return {
    async userSends(chat, text, file) {
      const message = await userPosts(api, chat, text, file ? { file } : {});
      return `${message.chat.id}:${message.message_id}`;
    },
    async selfSends(chat, text) {
      await api.post(Number(chat.id), {
        from: api.botUser,
        text,
        ...(chat.threadId ? { message_thread_id: Number(chat.threadId) } : {}),
      });
    },
    async redeliver(chat, platformMessageId) {
      const messageId = Number(platformMessageId.split(':').at(-1));
      const stored = api.message(Number(chat.id), messageId);
      if (!stored) throw new Error(`no message ${platformMessageId}`);
      await api.deliver({ message: stored.message } as never);
    },
    async botMessages(chat) {
      return botMessages(api, Number(chat.id));
    },
  };
}

/** Messages the bot posted through the Bot API in a chat, oldest first, deletions removed. */
export function botMessages(api: FakeBotApi, chatId: number): SeenMessage[] {
  return api
    .messages(chatId)
    .filter((m) => m.viaApi && !m.deleted)
    .map((m) => ({
      id: `${chatId}:${m.message.message_id}`,
      text: m.message.text ?? m.message.caption ?? '',
      ...(m.message.message_thread_id !== undefined ? { threadId: String(m.message.message_thread_id) } : {}),
      editTimes: m.editTimes,
      files: m.files.map(({ kind, file }) => ({
        kind,
        fileName: file.fileName,
        mimeType: file.mimeType,
        data: file.data,
      })),
    }));
}
