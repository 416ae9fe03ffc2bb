import type { InboundMessage } from '../adapters/contract.ts';

/** How messages map to sessions. */
export interface SessionKeyPolicy {
  /** In groups and channels, one session per user (default true). */
  groupSessionsPerUser: boolean;
  /** In threads, one session per user (default false: the thread is shared). */
  threadSessionsPerUser: boolean;
}

/** The default policy of FEATURES §4. */
export const DEFAULT_SESSION_KEY_POLICY: SessionKeyPolicy = {
  groupSessionsPerUser: true,
  threadSessionsPerUser: false,
};

/**
 * The session key of a message: `platform:chatType:chatId[:threadId][:userId]`,
 * or the explicit `message.sessionKey` (the API server's session header).
 *
 * @example
 * sessionKeyOf({ platform: 'telegram', chatType: 'dm', chatId: '42', ... }) // 'telegram:dm:42'
 */
export function sessionKeyOf(
  message: InboundMessage,
  policy: SessionKeyPolicy = DEFAULT_SESSION_KEY_POLICY,
): string {
  if (message.sessionKey) return message.sessionKey;
  const parts = [message.platform, message.chatType, message.chatId];
  if (message.threadId) parts.push(message.threadId);
  const perUser =
    message.chatType === 'thread' || message.threadId
      ? policy.threadSessionsPerUser
      : message.chatType !== 'dm' && policy.groupSessionsPerUser;
  if (perUser) parts.push(message.userId);
  return parts.join(':');
}
