/**
 * Where `send_message` sends, written as text: `home:<platform>` (the
 * platform's home channel, set with /sethome) or
 * `<platform>:<chatType>:<chatId>[:<threadId>]` (one chat).
 */
import type { ChatType } from '../../adapters/contract.ts';
import { SendMessageError } from './send-message-error.ts';

const CHAT_TYPES: readonly ChatType[] = ['dm', 'group', 'channel', 'thread'];
const PLATFORM = /^[a-z0-9][a-z0-9_-]*$/i;

/** A parsed target. */
export type MessageTarget =
  | { kind: 'home'; platform: string }
  | { kind: 'chat'; platform: string; chatType: ChatType; chatId: string; threadId?: string };

/** The accepted forms, part of every "invalid target" message. */
export const TARGET_FORMS =
  'Use "home:<platform>" for the platform\'s home channel (e.g. "home:telegram") or ' +
  '"<platform>:<chatType>:<chatId>[:<threadId>]" for one chat ' +
  `(chatType one of ${CHAT_TYPES.join(', ')}; e.g. "telegram:dm:42", "slack:thread:C0123:1712.5").`;

function invalid(text: string, why: string): SendMessageError {
  return new SendMessageError(`Invalid target "${text}" (${why}). ${TARGET_FORMS}`, { target: text });
}

/**
 * Parses a target. With four or more parts, the last one is the thread id.
 *
 * @throws SendMessageError naming the accepted forms
 * @example
 * parseMessageTarget('home:discord') // { kind: 'home', platform: 'discord' }
 * parseMessageTarget('telegram:group:-100123:77') // { kind: 'chat', platform: 'telegram', chatType: 'group', chatId: '-100123', threadId: '77' }
 */
export function parseMessageTarget(text: string): MessageTarget {
  const parts = text.trim().split(':');
  const [first = '', second = ''] = parts;
  if (first === 'home') {
    if (parts.length !== 2 || !PLATFORM.test(second)) throw invalid(text, '"home" takes one platform name');
    return { kind: 'home', platform: second };
  }
  if (!PLATFORM.test(first)) throw invalid(text, 'the platform name is missing or not a name');
  const chatType = second as ChatType;
  if (!CHAT_TYPES.includes(chatType)) throw invalid(text, `unknown chat type "${second}"`);
  const rest = parts.slice(2);
  if (rest.length === 0 || rest.some((p) => p === '')) throw invalid(text, 'the chat id is missing');
  if (rest.length === 1) return { kind: 'chat', platform: first, chatType, chatId: rest[0]! };
  return {
    kind: 'chat',
    platform: first,
    chatType,
    chatId: rest.slice(0, -1).join(':'),
    threadId: rest.at(-1)!,
  };
}
