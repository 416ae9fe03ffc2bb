/**
 * Where a cron job's result goes, written as text: `home:<platform>` (the
 * platform's home channel, set with /sethome) or
 * `origin:<platform>:<chatType>:<chatId>[:<threadId>]` (one chat).
 */
import type { ChatType } from '../adapters/contract.ts';
import type { CronDeliverTarget } from '../persistence/store.ts';
import { CronError } from './cron-error.ts';

const CHAT_TYPES: readonly ChatType[] = ['dm', 'group', 'channel', 'thread'];
const PLATFORM = /^[a-z0-9][a-z0-9_-]*$/i;

/** What a delivery target may look like, with examples; part of every "invalid target" message. */
export const DELIVER_FORMS =
  'Use "home:<platform>" for the platform\'s home channel (e.g. "home:telegram") or ' +
  '"origin:<platform>:<chatType>:<chatId>[:<threadId>]" for one chat ' +
  `(chatType one of ${CHAT_TYPES.join(', ')}; e.g. "origin:telegram:dm:42", "origin:slack:thread:C0123:1712.5").`;

function invalid(text: string, why: string): CronError {
  return new CronError(`Invalid delivery target "${text}" (${why}). ${DELIVER_FORMS}`, { deliver: text });
}

/**
 * Parses a delivery target. With five or more parts after `origin`, the last
 * one is the thread id.
 *
 * @throws CronError `GATEWAY_ERR_BAD_REQUEST` naming the accepted forms
 *
 * @example
 * parseDeliverTarget('home:telegram') // { kind: 'home', platform: 'telegram' }
 * parseDeliverTarget('origin:discord:thread:123:456') // { kind: 'origin', platform: 'discord', chatType: 'thread', chatId: '123', threadId: '456' }
 */
export function parseDeliverTarget(text: string): CronDeliverTarget {
  const parts = text.trim().split(':');
  const [kind, platform = ''] = parts;
  if (kind !== 'home' && kind !== 'origin') throw invalid(text, 'it must start with "home:" or "origin:"');
  if (!PLATFORM.test(platform)) throw invalid(text, 'the platform name is missing or not a name');
  if (kind === 'home') {
    if (parts.length !== 2) throw invalid(text, '"home" takes only a platform');
    return { kind: 'home', platform };
  }
  const chatType = parts[2] as ChatType;
  if (!CHAT_TYPES.includes(chatType)) throw invalid(text, `unknown chat type "${parts[2] ?? ''}"`);
  const rest = parts.slice(3);
  if (rest.length === 0 || rest.some((p) => p === '')) throw invalid(text, 'the chat id is missing');
  if (rest.length === 1) return { kind: 'origin', platform, chatType, chatId: rest[0] ?? '' };
  return {
    kind: 'origin',
    platform,
    chatType,
    chatId: rest.slice(0, -1).join(':'),
    threadId: rest[rest.length - 1] ?? '',
  };
}

/**
 * The text form of a delivery target (what `parseDeliverTarget` reads).
 *
 * @example
 * formatDeliverTarget({ kind: 'home', platform: 'slack' }) // 'home:slack'
 */
export function formatDeliverTarget(target: CronDeliverTarget): string {
  if (target.kind === 'home') return `home:${target.platform}`;
  const base = `origin:${target.platform}:${target.chatType}:${target.chatId}`;
  return target.threadId === undefined ? base : `${base}:${target.threadId}`;
}
